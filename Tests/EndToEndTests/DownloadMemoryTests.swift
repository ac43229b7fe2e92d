import ArtifactRegistry
import CometAPI
import Foundation
import Testing

/// Streaming a large asset to disk must take constant memory. Measured on a child `arty download`
/// process (its peak RSS from wait4's rusage), so the parallel test suites of this process do
/// not blur the figure the way a process-wide RSS reading would.
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
        let env = ["COMET_URL_OVERRIDE=\(registry.urlOverride)", "COMET_API_KEY=memory-test-key",
                   "HOME=\(dir.path)", "PATH=/usr/bin:/bin"]
        let logged = try MeasuredProcess.run([arty, "log", source.path, "--workspace", "mem", "--artifact", "big",
                                           "--type", "dataset"], environment: env)
        #expect(logged.status == 0, "arty log failed: \(logged.output)")

        let destination = dir.appendingPathComponent("out")
        let download = try MeasuredProcess.run([arty, "download", "mem/big:1.0.0", destination.path], environment: env)
        #expect(download.status == 0, "arty download failed: \(download.output)")
        let attributes = try FileManager.default.attributesOfItem(atPath: destination.appendingPathComponent("big.bin").path)
        #expect((attributes[.size] as? Int) == size)
        #expect(FileManager.default.contentsEqual(atPath: big.path, andPath: destination.appendingPathComponent("big.bin").path))
        #expect(download.maxRSSBytes > 0)
        #expect(download.maxRSSBytes < 64 << 20, "arty download peaked at \(download.maxRSSBytes >> 20) MiB RSS")
    }
}

/// A child process run to completion (its peak RSS measured) with posix_spawn and wait4, so its own peak RSS is known.
enum MeasuredProcess {
    struct Result {
        var status: Int32
        var output: String
        /// Peak resident set size of the child, in bytes (`ru_maxrss` is in KiB on Linux).
        var maxRSSBytes: Int
    }

    static func run(_ argv: [String], environment: [String]) throws -> Result {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("arty-child-\(UUID().uuidString)").path
        defer { unlink(path) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var cArgs = argv.map { strdup($0) } + [nil]
        var cEnv = environment.map { strdup($0) } + [nil]
        defer { for p in cArgs + cEnv { free(p) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, argv[0], &actions, nil, &cArgs, &cEnv)
        guard rc == 0 else { throw TmuxSession.Failure(description: "cannot run \(argv[0]): error \(rc)") }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
        let output = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        let exited = (status & 0x7f) == 0
        return Result(status: exited ? (status >> 8) & 0xff : -1, output: output, maxRSSBytes: usage.ru_maxrss * 1024)
    }
}
