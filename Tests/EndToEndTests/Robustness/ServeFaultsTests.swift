import Foundation
import Testing

/// `arty serve --faults SPEC` (hidden, test-only) injects faults in a separate registry process,
/// and the arty CLI rides them out or reports them.
@Suite("arty serve --faults")
struct ServeFaultsTests {
    /// Starts `arty serve` and returns the process and its COMET_URL_OVERRIDE.
    static func serve(faults: String, key: String) async throws -> (ChildProcess, String) {
        guard let binary = ArtyCommandRunner.binary else { throw RunnerError(message: "the arty binary is not built") }
        let outPath = scratchPath("serve-out")
        let child = try ChildProcess.spawn(binary, ["serve", "--data", scratchPath("data"), "--port", "0", "--api-key", key,
                                                    "--faults", faults],
                                           environment: ["HOME": scratchPath("home"), "PATH": "/usr/bin:/bin"],
                                           stdout: outPath, stderr: "/dev/null")
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            let text = String(decoding: (try? Data(contentsOf: URL(fileURLWithPath: outPath))) ?? Data(), as: UTF8.self)
            if let first = text.split(separator: "\n").first, text.contains("\n"), first.hasPrefix("COMET_URL_OVERRIDE=") {
                return (child, String(first.dropFirst("COMET_URL_OVERRIDE=".count)))
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        await child.stop()
        throw RunnerError(message: "arty serve did not print its URL")
    }

    @Test func aTransient503IsRetriedAndAPersistentOneReported() async throws {
        guard ArtyCommandRunner.binary != nil else {
            Issue.record("the arty binary is not built; run `swift build` before `swift test`")
            return
        }
        let key = "serve-faults-key-1"
        let (transient, url) = try await Self.serve(faults: "workspaces=status:503*1", key: key)
        defer { kill(transient.pid, SIGKILL) }
        let env = ["HOME": scratchPath("home"), "COMET_CONFIG": emptyCometConfig(), "COMET_API_KEY": key, "COMET_URL_OVERRIDE": url]
        let ok = try await ArtyCommandRunner.run(["ls"], environment: env)
        #expect(ok.status == 0, "\(ok.all)")
        #expect(ok.stdout.contains("WORKSPACE"))

        let (persistent, url2) = try await Self.serve(faults: "*=status:503", key: key)
        defer { kill(persistent.pid, SIGKILL) }
        var env2 = env
        env2["COMET_URL_OVERRIDE"] = url2
        let failed = try await ArtyCommandRunner.run(["ls"], environment: env2, timeout: 60)
        #expect(failed.status == 1)
        #expect(failed.stderr.contains("Listing workspaces failed: HTTP 503"), "\(failed.stderr)")
    }

    @Test func aMalformedSpecIsAUsageError() async throws {
        guard ArtyCommandRunner.binary != nil else {
            Issue.record("the arty binary is not built")
            return
        }
        let out = try await ArtyCommandRunner.run(["serve", "--data", scratchPath("d"), "--faults", "get-all=teapot"],
                                            environment: ["HOME": scratchPath("home")])
        #expect(out.status == 2)
        #expect(out.stderr.contains("Unknown fault 'teapot'"), "\(out.stderr)")
        // The flag is hidden from help.
        let help = try await ArtyCommandRunner.run(["serve", "--help"], environment: ["HOME": scratchPath("home")])
        #expect(!help.stdout.contains("--faults"))
    }
}
