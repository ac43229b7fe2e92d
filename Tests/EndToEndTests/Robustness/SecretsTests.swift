import ArtifactRegistry
import CometAPI
import Foundation
import Testing

/// The API key is a secret (issue 7): every command and TUI screen, on success and failure paths,
/// runs with a recognisable key, and the key must appear in no output, error message, log or
/// crash report, nor in any file arty writes. TLS verification is on unless disabled.
@Suite("Secrets never leak", .serialized)
struct SecretsTests {
    static let key = "SECRET-KEY-5f3a9c"
    /// Forms of the key that would also be a leak.
    static let forms = [key, key.lowercased(), Data(key.utf8).base64EncodedString()]

    static func leaks(_ text: String) -> [String] { forms.filter { text.contains($0) } }

    static func commands(workspace ws: String, dir: String, logDir: String) -> [[String]] {
        [
            ["--help"], ["ls", "--help"], ["download", "--help"], ["alias", "--help"], ["serve", "--help"],
            ["ls"], ["ls", ws], ["ls", "\(ws)/cats"], ["ls", "\(ws)/cats:1.0.0"], ["ls", "--json", "\(ws)/cats:prod"],
            ["ls", "\(ws)/missing"], ["ls", "\(ws)/cats:9.9.9"], ["ls", "bad:ref"],
            ["download", "\(ws)/cats:prod", dir], ["download", "\(ws)/cats:prod", dir, "--json"],
            ["download", "\(ws)/missing:1.0.0", dir],
            ["alias", "\(ws)/cats:1.0.0", "add", "staging"], ["alias", "\(ws)/cats:1.0.0", "remove", "staging"],
            ["tag", "\(ws)/cats:1.0.0", "add", "t9"], ["tag", "\(ws)/cats:1.0.0", "add", "--artifact", "a9"],
            ["bump", "\(ws)/cats:1.0.0", "minor"], ["diff", "\(ws)/cats:1.0.0", "\(ws)/cats:1.1.0"],
            ["log", logDir, "--artifact", "logged", "--type", "dataset"],
            ["alias", "\(ws)/cats:1.0.0", "add", "bad label with spaces"],
            ["--read-only", "alias", "\(ws)/cats:1.0.0", "add", "x"],
            ["ls", "--api-key", key, ws],  // the flag form: still never echoed
            ["ls", "--url-override", "not a url", ws],
            ["ls", "--url-override", "http://127.0.0.1:1/clientlib/", ws],
            ["ls", "--url-override", "https://127.0.0.1:1/clientlib/", ws],
            ["user", "--help"], ["registry", "--help"], ["nosuchcommand"],
        ]
    }

    @Test func noCommandPrintsTheKey() async throws {
        guard ArtyCommandRunner.binary != nil else {
            Issue.record("the arty binary is not built; run `swift build` before `swift test`")
            return
        }
        let r = try await SeededRegistry.start(apiKey: Self.key, artifacts: [("cats", ["a.txt": "hello"], ["prod"])])
        defer { Task { await r.registry.stop() } }
        let dir = scratchPath("dl")
        let logDir = scratchPath("logme")
        try FileManager.default.createDirectory(atPath: logDir, withIntermediateDirectories: true)
        try Data("x".utf8).write(to: URL(fileURLWithPath: logDir + "/f.txt"))
        var ran = 0
        var failures = 0
        for args in Self.commands(workspace: r.workspace, dir: dir, logDir: logDir) {
            for verbose in [false, true] {
                let env = r.environment(apiKey: Self.key, extra: verbose ? ["ARTY_LOG": "trace", "ARTY_DEBUG": "1"] : [:])
                let out = try await ArtyCommandRunner.run(args, environment: env, timeout: 30)
                ran += 1
                if out.status != 0 { failures += 1 }
                #expect(!out.timedOut, "arty \(args) hung")
                #expect(Self.leaks(out.all).isEmpty, "arty \(args.joined(separator: " ")) printed the key:\n\(out.all)")
                #expect(out.status < 128, "arty \(args) crashed with status \(out.status):\n\(out.stderr)")
            }
        }
        #expect(ran == Self.commands(workspace: "", dir: "", logDir: "").count * 2)
        #expect(failures > 0 && failures < ran, "both success and failure paths must run")

        // Every server failure the key travels through: 401, 403, 5xx, garbage answers.
        for spec in ["*=status:401", "*=status:403:90210", "*=status:500", "*=html:502", "*=malformed"] {
            r.injector.setPlan(try FaultPlan.parse(spec))
            for args in [["ls", r.workspace], ["download", "\(r.workspace)/cats:prod", scratchPath("d2")]] {
                let out = try await ArtyCommandRunner.run(args, environment: r.environment(apiKey: Self.key), timeout: 30)
                #expect(out.status == 1, "arty \(args) under \(spec): \(out.all)")
                #expect(Self.leaks(out.all).isEmpty, "under \(spec): \(out.all)")
                #expect(!out.stderr.isEmpty)
            }
        }
        r.injector.setPlan(.none)

        // A key the server does not know: the 401 message names the key's sources, never the key.
        let wrong = try await ArtyCommandRunner.run(["ls", r.workspace], environment: r.environment(apiKey: Self.key + "-wrong"))
        #expect(wrong.status == 1)
        #expect(wrong.stderr.contains("API key"))
        #expect(Self.leaks(wrong.all).isEmpty, "\(wrong.all)")

        // Nothing arty wrote (home, data, cache, downloads) holds the key.
        for root in [r.home, dir] { #expect(Self.filesHoldingKey(root).isEmpty, "\(Self.filesHoldingKey(root))") }
        // The registry's data directory keeps only a digest of a configured key.
        #expect(Self.filesHoldingKey(r.registry.dataDirectory.path).isEmpty)
    }

    /// Files under `root` whose bytes contain the key (symlinks not followed).
    static func filesHoldingKey(_ root: String) -> [String] {
        guard let e = FileManager.default.enumerator(atPath: root) else { return [] }
        var hits: [String] = []
        while let rel = e.nextObject() as? String {
            let path = root + "/" + rel
            guard case .file = SafeFileSystem.kind(of: path), let data = FileManager.default.contents(atPath: path) else { continue }
            if forms.contains(where: { data.range(of: Data($0.utf8)) != nil }) { hits.append(rel) }
        }
        return hits
    }

    @Test func theTUINeverShowsTheKey() async throws {
        guard RobustnessTmux.isAvailable, let binary = ArtyCommandRunner.binary else {
            Issue.record("tmux or the arty binary is missing")
            return
        }
        let r = try await SeededRegistry.start(apiKey: Self.key, artifacts: [("cats", ["a.txt": "hello"], ["prod"])])
        defer { Task { await r.registry.stop() } }
        var screens: [String] = []
        let tmux = try await RobustnessTmux(command: [binary], environment: r.environment(apiKey: Self.key), width: 120, height: 30)
        defer { tmux.stop() }
        screens.append(try await tmux.waitFor(15, "the artifacts pane") { $0.contains("cats") })
        try await tmux.send("l")
        screens.append(try await tmux.waitFor(10, "the versions pane") { $0.contains("1.0.0") })
        try await tmux.send("l")
        screens.append(try await tmux.waitFor(10, "the assets pane") { $0.contains("a.txt") })
        try await tmux.send("?")
        screens.append(try await tmux.waitFor(10, "the help overlay") { $0.contains("Quit") })
        try await tmux.send("Escape")
        // An error screen: the server starts refusing the key.
        r.injector.setPlan(try FaultPlan.parse("*=status:401"))
        try await tmux.send("r")
        screens.append(try await tmux.waitFor(10, "an error") { $0.contains("401") || $0.contains("API key") || $0.contains("error:") })
        r.injector.setPlan(.none)
        try await expectCleanQuit(tmux)
        for screen in screens { #expect(Self.leaks(screen).isEmpty, "\(screen)") }
        #expect(Self.filesHoldingKey(r.home).isEmpty)
    }

    @Test func tlsVerificationIsOnByDefault() async throws {
        guard ArtyCommandRunner.binary != nil else {
            Issue.record("the arty binary is not built")
            return
        }
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl") else {
            // Without openssl no self-signed certificate can be made here; CometAPITests'
            // TLS test covers the transport.
            return
        }
        let dir = scratchPath("tls")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let gen = try ChildProcess.spawn("/usr/bin/openssl", [
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", dir + "/key.pem", "-out", dir + "/cert.pem",
            "-days", "1", "-subj", "/CN=127.0.0.1"], environment: ["PATH": "/usr/bin:/bin", "HOME": dir],
            stdout: "/dev/null", stderr: "/dev/null")
        try #require(await gen.wait(timeout: 30).status == 0)
        // openssl s_server: a TLS server with the self-signed certificate, answering HTTP.
        let port = Int.random(in: 40_000..<60_000)
        let server = try ChildProcess.spawn("/usr/bin/openssl", [
            "s_server", "-accept", String(port), "-cert", dir + "/cert.pem", "-key", dir + "/key.pem", "-www", "-quiet"],
            environment: ["PATH": "/usr/bin:/bin", "HOME": dir], stdout: "/dev/null", stderr: "/dev/null")
        defer { kill(server.pid, SIGKILL) }
        try await Task.sleep(for: .milliseconds(500))
        let home = scratchPath("home")
        let env = ["HOME": home, "COMET_CONFIG": emptyCometConfig(), "COMET_API_KEY": Self.key, "LANG": "C.UTF-8",
                   "COMET_URL_OVERRIDE": "https://127.0.0.1:\(port)/clientlib/"]
        let verified = try await ArtyCommandRunner.run(["ls", "ws"], environment: env)
        #expect(verified.status == 1)
        #expect(verified.stderr.contains("curl error 60") || verified.stderr.lowercased().contains("certificate"), "\(verified.all)")
        #expect(verified.stderr.contains("--insecure"))
        #expect(Self.leaks(verified.all).isEmpty)
        // With --insecure the TLS handshake succeeds: the failure is now about the answer, not the certificate.
        let insecure = try await ArtyCommandRunner.run(["ls", "ws", "--insecure"], environment: env)
        #expect(!insecure.stderr.contains("curl error 60"), "\(insecure.all)")
        #expect(Self.leaks(insecure.all).isEmpty)
    }
}
