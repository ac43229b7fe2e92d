import ArtifactRegistry
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// What a fresh user of `arty serve`, `arty demo`, `arty user add` and `arty download` meets when
/// something is wrong: one clear line and the documented exit status, never a Foundation or
/// HTTP-style error text.
@Suite("fresh-user errors")
struct FreshUserTests {
    static let env = ["HOME": scratchPath("home")]

    /// A TCP socket bound (and listening) on 127.0.0.1; returns the descriptor and its port.
    static func occupyPort() throws -> (Int32, Int) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 1) == 0 else { throw RunnerError(message: "cannot bind a test socket") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return (fd, Int(UInt16(bigEndian: address.sin_port)))
    }

    @Test func aBusyPortIsOneClearLine() async throws {
        guard ArtyCommandRunner.binary != nil else { Issue.record("the arty binary is not built"); return }
        let (fd, port) = try Self.occupyPort()
        defer { close(fd) }
        let serve = try await ArtyCommandRunner.run(["serve", "--data", scratchPath("d"), "--port", "\(port)"], environment: Self.env)
        #expect(serve.status == 1)
        #expect(serve.stderr == "arty serve: cannot listen on 127.0.0.1:\(port): address already in use\n", "\(serve.stderr)")
        let demo = try await ArtyCommandRunner.run(["demo", "--no-browser", "--port", "\(port)"], environment: Self.env)
        #expect(demo.status == 1)
        #expect(demo.stderr == "arty demo: cannot listen on 127.0.0.1:\(port): address already in use\n", "\(demo.stderr)")
    }

    @Test func anUnusableHostIsOneClearLine() async throws {
        guard ArtyCommandRunner.binary != nil else { Issue.record("the arty binary is not built"); return }
        let out = try await ArtyCommandRunner.run(["serve", "--data", scratchPath("d"), "--host", "999.1.1.1"], environment: Self.env)
        #expect(out.status == 1)
        #expect(out.stderr == "arty serve: cannot listen on 999.1.1.1:0: the host cannot be resolved\n", "\(out.stderr)")
    }

    @Test func aFileAsDataDirectoryIsNamed() async throws {
        guard ArtyCommandRunner.binary != nil else { Issue.record("the arty binary is not built"); return }
        let file = scratchPath("file")
        try Data("x".utf8).write(to: URL(fileURLWithPath: file))
        for command in ["serve", "demo"] {
            let out = try await ArtyCommandRunner.run([command, "--data", file] + (command == "demo" ? ["--no-browser"] : []),
                                                environment: Self.env)
            #expect(out.status == 1)
            #expect(out.stderr == "arty \(command): '\(file)' is a file, not a directory\n", "\(out.stderr)")
        }
    }

    @Test func downloadBelowAFileNamesTheFile() async throws {
        let key = "fresh-user-key-1"
        let seeded = try await SeededRegistry.start(apiKey: key, artifacts: [(name: "cats", files: ["a.txt": "hello"], aliases: [])])
        defer { Task { await seeded.registry.stop() } }
        let file = scratchPath("file")
        try Data("x".utf8).write(to: URL(fileURLWithPath: file))
        let out = try await ArtyCommandRunner.run(["download", "\(seeded.workspace)/cats:1.0.0", file + "/sub"],
                                            environment: seeded.environment(apiKey: key))
        #expect(out.status == 1)
        #expect(out.stderr.contains("'\(file)' is a file, not a directory"), "\(out.stderr)")
        #expect(!out.stderr.contains("NSCocoaErrorDomain"))
    }

    @Test func userAddRefusesBadNamesDuplicatesAndMissingRegistries() async throws {
        guard ArtyCommandRunner.binary != nil else { Issue.record("the arty binary is not built"); return }
        let data = scratchPath("reg")
        // A registry exists once it was opened (as `arty serve --data` does).
        let empty = try await ArtyCommandRunner.run(["user", "add", "", "--data", data], environment: Self.env)
        #expect(empty.status == 2)
        #expect(empty.stderr.contains("Invalid user name: a user name must not be empty"), "\(empty.stderr)")
        let slash = try await ArtyCommandRunner.run(["user", "add", "a/b", "--data", data], environment: Self.env)
        #expect(slash.status == 2)
        #expect(!slash.stderr.contains("sdk_error_code"))

        let missing = try await ArtyCommandRunner.run(["user", "add", "bob", "--data", data], environment: Self.env)
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("no registry at '\(data)'; create it with: arty serve --data"), "\(missing.stderr)")
        #expect(!FileManager.default.fileExists(atPath: data))

        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        _ = try RegistryStore(path: data + "/registry.sqlite")
        let first = try await ArtyCommandRunner.run(["user", "add", "alice", "--data", data, "--print-key"], environment: Self.env)
        let again = try await ArtyCommandRunner.run(["user", "add", "alice", "--data", data], environment: Self.env)
        #expect(again.status == 1)
        #expect(again.stderr.contains("user 'alice' already exists; use --rotate"), "\(again.stderr)")
        let rotated = try await ArtyCommandRunner.run(["user", "add", "alice", "--data", data, "--rotate", "--print-key"],
                                                environment: Self.env)
        #expect(rotated.status == 0, "\(rotated.all)")
        let oldKey = first.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let newKey = rotated.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(oldKey != newKey)
        let reopened = try RegistryStore(path: data + "/registry.sqlite")
        #expect(try reopened.user(forKey: oldKey) == nil)
        #expect(try reopened.user(forKey: newKey)?.name == "alice")
    }

    @Test(arguments: [
        (["ls", "ws/a:b:c"], "artifact names and aliases cannot contain ':' in a reference"),
        (["ls", ""], "An artifact reference is empty"),
        (["alias", "ws/a:1.0.0", "add", "1.2.3"], "Invalid alias: '1.2.3' is a semantic version"),
        (["alias", "ws/a:1.0.0", "add", "x:y"], "Invalid alias: 'x:y' contains ':' or '/'"),
        (["alias", "ws/a:1.0.0", "add", ""], "Invalid alias: an alias must not be empty"),
        (["tag", "ws/a:1.0.0", "add", ""], "Invalid tag: a tag must not be empty"),
        (["tag", "ws/a:1.0.0", "add", " x"], "Invalid tag: ' x' starts with a space"),
        (["tag", "ws/a:1.0.0", "add", "\"open"], "Invalid tag: a quote (\") is not closed"),
        (["alias", "ws/a:1.0.0", "add", "a\u{7}b"], "Invalid alias: 'a\\x07b' contains the control character U+0007"),
        (["log", ".", "--artifact", "", "--type", "t"], "--artifact must not be empty"),
        (["log", ".", "--artifact", "a", "--type", ""], "--type must not be empty"),
        (["log", ".", "--artifact", "a", "--type", "t", "--remote", "not a uri"], "--remote 'not a uri' is not a URI"),
        (["log", ".", "--artifact", "a", "--type", "t", "--alias", "2.0.0"], "--alias: Invalid label: '2.0.0' is a semantic version"),
    ] as [([String], String)])
    func malformedArgumentsAreUsageErrors(arguments: [String], message: String) async throws {
        guard ArtyCommandRunner.binary != nil else { Issue.record("the arty binary is not built"); return }
        let out = try await ArtyCommandRunner.run(arguments, environment: Self.env)
        #expect(out.status == 2, "\(out.all)")
        #expect(out.stderr.contains(message), "\(out.stderr)")
    }

    @Test func logRefusesAFileNameWithANewline() async throws {
        guard ArtyCommandRunner.binary != nil else { Issue.record("the arty binary is not built"); return }
        let dir = scratchPath("folder")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try Data("x".utf8).write(to: URL(fileURLWithPath: dir + "/bad\nname.txt"))
        var env = Self.env
        env["COMET_WORKSPACE"] = "ws"
        let out = try await ArtyCommandRunner.run(["log", dir, "--artifact", "a", "--type", "t"], environment: env)
        #expect(out.status == 1)
        #expect(out.stderr == "Error: Cannot log folder '\(dir)': bad\\nname.txt: its name contains a control character, so no download could write it (rename it and log again).\n",
                "\(out.stderr)")
    }

    /// Runs `arty demo --no-browser --data DIR` until it serves, then interrupts it; returns stderr.
    static func demoUntilServing(_ dir: String) throws -> (status: Int32, stderr: String) {
        guard let binary = ArtyCommandRunner.binary else { throw RunnerError(message: "the arty binary is not built") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["demo", "--no-browser", "--port", "0", "--data", dir]
        process.environment = env.merging(["PATH": "/usr/bin:/bin"]) { $1 }
        let out = Pipe()
        let errPath = scratchPath("demo-stderr")
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        let err = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        process.standardOutput = out
        process.standardError = err
        try process.run()
        var text = ""
        while !text.contains("Serving the demo registry"), process.isRunning {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            text += String(decoding: chunk, as: UTF8.self)
        }
        // SIGINT until it ends: one sent before the command installed its handler would be lost.
        for _ in 0..<100 where process.isRunning {
            process.interrupt()
            Thread.sleep(forTimeInterval: 0.1)
        }
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        try err.close()
        return (process.terminationStatus, (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "")
    }

    @Test func demoOnItsOwnDirectoryOpensItWithoutSeedingAgain() throws {
        guard ArtyCommandRunner.binary != nil else { Issue.record("the arty binary is not built"); return }
        let dir = scratchPath("demo")
        let first = try Self.demoUntilServing(dir)
        #expect(first.stderr.hasPrefix("arty demo: seeded "), "\(first.stderr)")
        let second = try Self.demoUntilServing(dir)
        #expect(second.stderr == "arty demo: opening the demo registry in \(dir) (already seeded)\n", "\(second.stderr)")
        // A directory seeded before the marker existed is recognised by its artifacts.
        try FileManager.default.removeItem(atPath: dir + "/demo-seeded")
        let third = try Self.demoUntilServing(dir)
        #expect(third.stderr.contains("(already seeded)"), "\(third.stderr)")
    }

    @Test func demoRefusesANonEmptyDirectoryThatIsNoRegistry() async throws {
        guard ArtyCommandRunner.binary != nil else { Issue.record("the arty binary is not built"); return }
        let dir = scratchPath("mine")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try Data("notes".utf8).write(to: URL(fileURLWithPath: dir + "/notes.txt"))
        let out = try await ArtyCommandRunner.run(["demo", "--no-browser", "--data", dir], environment: Self.env)
        #expect(out.status == 1)
        #expect(out.stderr == "arty demo: '\(dir)' is not empty and holds no arty registry; choose a new or empty directory.\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["notes.txt"])
    }

    @Test func ctrlCDuringADownloadIsOneLineAndExit130() async throws {
        guard let binary = ArtyCommandRunner.binary else { Issue.record("the arty binary is not built"); return }
        let key = "fresh-user-key-2"
        let seeded = try await SeededRegistry.start(apiKey: key, artifacts: [(name: "cats", files: ["a.txt": "hello", "b.txt": "world"], aliases: [])])
        defer { Task { await seeded.registry.stop() } }
        seeded.injector.setPlan(try FaultPlan.parse("get-asset=stall:20000"))
        let dest = scratchPath("out")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["download", "\(seeded.workspace)/cats:1.0.0", dest]
        process.environment = seeded.environment(apiKey: key).merging(["PATH": "/usr/bin:/bin"]) { $1 }
        let errPath = scratchPath("stderr")
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        let err = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        // Planning takes milliseconds; then both transfers hang in the stalled asset requests.
        try await Task.sleep(for: .seconds(2))
        for _ in 0..<50 where process.isRunning {
            process.interrupt()
            try await Task.sleep(for: .milliseconds(100))
        }
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        try err.close()
        let stderr = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
        #expect(process.terminationStatus == 130, "\(stderr)")
        #expect(stderr == "Interrupted: 0 of 2 files downloaded; run the same command again to resume.\n", "\(stderr)")
        // No file has its final name.
        let left = (try? FileManager.default.contentsOfDirectory(atPath: dest)) ?? []
        #expect(!left.contains("a.txt") && !left.contains("b.txt"), "\(left)")
        seeded.injector.setPlan(.none)
    }
}
