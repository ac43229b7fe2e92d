import ArtifactRegistry
import CometAPI
import Foundation
import Testing

/// Streaming a large asset to disk must take constant memory. Measured on a child `arty download`
/// process through `/usr/bin/time -f %M`, so the parallel test suites of this process do not blur
/// the figure the way a process-wide RSS reading would. (wait4's own `ru_maxrss` would not do:
/// posix_spawn shares this process's memory until exec, and Linux keeps that high-water mark.)
@Suite("Download memory")
struct DownloadMemoryTests {
    @Test func downloadingA100MiBAssetKeepsPeakRSSUnder64MiB() async throws {
        let arty = try #require(ArtyBinary.path, "build arty first (swift build)")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("arty-mem-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let source = dir.appendingPathComponent("source")
        try FileManager.default.createDirectory(at: source, withIntermediateDirectories: true)
        let size = 100 << 20
        let big = source.appendingPathComponent("big.bin")
        var chunk = Data(count: 1 << 20)
        chunk.withUnsafeMutableBytes { raw in
            for i in 0..<raw.count { raw[i] = UInt8(truncatingIfNeeded: i &* 2_654_435_761 >> 7) }
        }
        FileManager.default.createFile(atPath: big.path, contents: nil)
        let handle = try FileHandle(forWritingTo: big)
        for _ in 0..<(size >> 20) { try handle.write(contentsOf: chunk) }
        try handle.close()

        let registry = try await LocalRegistry.start(.init(dataDirectory: dir.appendingPathComponent("registry"),
                                                           apiKey: "memory-test-key"))
        defer { Task { await registry.stop() } }
        let env = ["COMET_URL_OVERRIDE": registry.urlOverride, "COMET_API_KEY": "memory-test-key",
                   "HOME": dir.path, "PATH": "/usr/bin:/bin"]
        let logged = try await run(arty, ["log", source.path, "--workspace", "mem", "--artifact", "big", "--type", "dataset"],
                                   environment: env, in: dir)
        #expect(logged.status == 0, "arty log failed: \(logged.output)")

        let destination = dir.appendingPathComponent("out")
        let time = "/usr/bin/time"
        try #require(FileManager.default.isExecutableFile(atPath: time), "GNU time is missing (scripts/setup.sh installs it)")
        let download = try await run(time, ["-f", "ARTY_MAX_RSS_KIB=%M", arty, "download", "mem/big:1.0.0", destination.path],
                                     environment: env, in: dir)
        #expect(download.status == 0, "arty download failed: \(download.output)")
        let attributes = try FileManager.default.attributesOfItem(atPath: destination.appendingPathComponent("big.bin").path)
        #expect((attributes[.size] as? Int) == size)
        #expect(FileManager.default.contentsEqual(atPath: big.path, andPath: destination.appendingPathComponent("big.bin").path))
        let line = try #require(download.output.split(separator: "\n").last { $0.hasPrefix("ARTY_MAX_RSS_KIB=") })
        let peakKiB = try #require(Int(line.dropFirst("ARTY_MAX_RSS_KIB=".count)))
        #expect(peakKiB > 0)
        #expect(peakKiB < 64 << 10, "arty download peaked at \(peakKiB >> 10) MiB RSS")
    }
}

/// Runs `path ARGS` to completion (at most 120 s) with ``ChildProcess``; stdout and stderr together.
private func run(_ path: String, _ arguments: [String], environment: [String: String],
                 in dir: URL) async throws -> (status: Int32, output: String) {
    let out = dir.appendingPathComponent("out-\(UUID().uuidString)").path
    let child = try ChildProcess.spawn(path, arguments, environment: environment, stdout: out, stderr: out + ".err")
    let (status, timedOut) = await child.wait(timeout: 120)
    let text = ((try? String(contentsOfFile: out, encoding: .utf8)) ?? "") + ((try? String(contentsOfFile: out + ".err", encoding: .utf8)) ?? "")
    return (timedOut ? -1 : status, text)
}
