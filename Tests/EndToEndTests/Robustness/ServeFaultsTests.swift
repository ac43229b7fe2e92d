import Foundation
import Testing

/// `arty serve --faults SPEC` (hidden, test-only) injects faults in a separate registry process,
/// and the arty CLI rides them out or reports them.
@Suite("arty serve --faults")
struct ServeFaultsTests {
    /// Starts `arty serve` and returns the process and its COMET_URL_OVERRIDE.
    static func serve(faults: String, key: String) throws -> (Process, String) {
        guard let binary = ArtyCommandRunner.binary else { throw RunnerError(message: "the arty binary is not built") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["serve", "--data", scratchPath("data"), "--port", "0", "--api-key", key, "--faults", faults]
        process.environment = ["HOME": scratchPath("home"), "PATH": "/usr/bin:/bin"]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line += chunk
        }
        let text = String(decoding: line, as: UTF8.self)
        guard let first = text.split(separator: "\n").first, first.hasPrefix("COMET_URL_OVERRIDE=") else {
            process.terminate()
            throw RunnerError(message: "arty serve printed \(text)")
        }
        return (process, String(first.dropFirst("COMET_URL_OVERRIDE=".count)))
    }

    @Test func aTransient503IsRetriedAndAPersistentOneReported() throws {
        guard ArtyCommandRunner.binary != nil else {
            Issue.record("the arty binary is not built; run `swift build` before `swift test`")
            return
        }
        let key = "serve-faults-key-1"
        let (transient, url) = try Self.serve(faults: "workspaces=status:503*1", key: key)
        defer { transient.terminate() }
        // An empty config file: nothing from ~/.comet.config or ./.comet.config can interfere (a
        // COMET_CONFIG naming a missing file is an error).
        let config = scratchPath("empty.config")
        _ = FileManager.default.createFile(atPath: config, contents: Data())
        let env = ["HOME": scratchPath("home"), "COMET_CONFIG": config, "COMET_API_KEY": key, "COMET_URL_OVERRIDE": url]
        let ok = try ArtyCommandRunner.run(["ls"], environment: env)
        #expect(ok.status == 0, "\(ok.all)")
        #expect(ok.stdout.contains("WORKSPACE"))

        let (persistent, url2) = try Self.serve(faults: "*=status:503", key: key)
        defer { persistent.terminate() }
        var env2 = env
        env2["COMET_URL_OVERRIDE"] = url2
        let failed = try ArtyCommandRunner.run(["ls"], environment: env2, timeout: 60)
        #expect(failed.status == 1)
        #expect(failed.stderr.contains("Listing workspaces failed: HTTP 503"), "\(failed.stderr)")
    }

    @Test func aMalformedSpecIsAUsageError() throws {
        guard ArtyCommandRunner.binary != nil else {
            Issue.record("the arty binary is not built")
            return
        }
        let out = try ArtyCommandRunner.run(["serve", "--data", scratchPath("d"), "--faults", "get-all=teapot"],
                                            environment: ["HOME": scratchPath("home")])
        #expect(out.status == 2)
        #expect(out.stderr.contains("Unknown fault 'teapot'"), "\(out.stderr)")
        // The flag is hidden from help.
        let help = try ArtyCommandRunner.run(["serve", "--help"], environment: ["HOME": scratchPath("home")])
        #expect(!help.stdout.contains("--faults"))
    }
}
