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

    @Test func aBusyPortIsOneClearLine() throws {
        guard ArtyCommandRunner.binary != nil else { Issue.record("the arty binary is not built"); return }
        let (fd, port) = try Self.occupyPort()
        defer { close(fd) }
        let serve = try ArtyCommandRunner.run(["serve", "--data", scratchPath("d"), "--port", "\(port)"], environment: Self.env)
        #expect(serve.status == 1)
        #expect(serve.stderr == "arty serve: cannot listen on 127.0.0.1:\(port): address already in use\n", "\(serve.stderr)")
        let demo = try ArtyCommandRunner.run(["demo", "--no-browser", "--port", "\(port)"], environment: Self.env)
        #expect(demo.status == 1)
        #expect(demo.stderr == "arty demo: cannot listen on 127.0.0.1:\(port): address already in use\n", "\(demo.stderr)")
    }

    @Test func anUnusableHostIsOneClearLine() throws {
        guard ArtyCommandRunner.binary != nil else { Issue.record("the arty binary is not built"); return }
        let out = try ArtyCommandRunner.run(["serve", "--data", scratchPath("d"), "--host", "999.1.1.1"], environment: Self.env)
        #expect(out.status == 1)
        #expect(out.stderr.hasPrefix("arty serve: cannot listen on 999.1.1.1:0: "), "\(out.stderr)")
        #expect(!out.stderr.contains("sdk_error_code"))
        #expect(out.stderr.split(separator: "\n").count == 1)
    }

    @Test func aFileAsDataDirectoryIsNamed() throws {
        guard ArtyCommandRunner.binary != nil else { Issue.record("the arty binary is not built"); return }
        let file = scratchPath("file")
        try Data("x".utf8).write(to: URL(fileURLWithPath: file))
        for command in ["serve", "demo"] {
            let out = try ArtyCommandRunner.run([command, "--data", file] + (command == "demo" ? ["--no-browser"] : []),
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
        let out = try ArtyCommandRunner.run(["download", "\(seeded.workspace)/cats:1.0.0", file + "/sub"],
                                            environment: seeded.environment(apiKey: key))
        #expect(out.status == 1)
        #expect(out.stderr.contains("'\(file)' is a file, not a directory"), "\(out.stderr)")
        #expect(!out.stderr.contains("NSCocoaErrorDomain"))
    }

    @Test func userAddRefusesBadNamesDuplicatesAndMissingRegistries() throws {
        guard ArtyCommandRunner.binary != nil else { Issue.record("the arty binary is not built"); return }
        let data = scratchPath("reg")
        // A registry exists once it was opened (as `arty serve --data` does).
        let empty = try ArtyCommandRunner.run(["user", "add", "", "--data", data], environment: Self.env)
        #expect(empty.status == 2)
        #expect(empty.stderr.contains("Invalid user name: a user name must not be empty"), "\(empty.stderr)")
        let slash = try ArtyCommandRunner.run(["user", "add", "a/b", "--data", data], environment: Self.env)
        #expect(slash.status == 2)
        #expect(!slash.stderr.contains("sdk_error_code"))

        let missing = try ArtyCommandRunner.run(["user", "add", "bob", "--data", data], environment: Self.env)
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("no registry at '\(data)'; create it with: arty serve --data"), "\(missing.stderr)")
        #expect(!FileManager.default.fileExists(atPath: data))

        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        _ = try RegistryStore(path: data + "/registry.sqlite")
        let first = try ArtyCommandRunner.run(["user", "add", "alice", "--data", data, "--print-key"], environment: Self.env)
        #expect(first.status == 0, "\(first.all)")
        let again = try ArtyCommandRunner.run(["user", "add", "alice", "--data", data], environment: Self.env)
        #expect(again.status == 1)
        #expect(again.stderr.contains("user 'alice' already exists; use --rotate"), "\(again.stderr)")
        let rotated = try ArtyCommandRunner.run(["user", "add", "alice", "--data", data, "--rotate", "--print-key"],
                                                environment: Self.env)
        #expect(rotated.status == 0, "\(rotated.all)")
        let oldKey = first.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let newKey = rotated.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(oldKey != newKey)
        let reopened = try RegistryStore(path: data + "/registry.sqlite")
        #expect(try reopened.user(forKey: oldKey) == nil)
        #expect(try reopened.user(forKey: newKey)?.name == "alice")
    }
}
