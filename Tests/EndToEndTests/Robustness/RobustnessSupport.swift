import ArtifactRegistry
import CometAPI
import Foundation
import Testing

/// Runs the built `arty` executable (`.build/<config>/arty`, beside the test bundle) with a
/// clean environment, a time limit, and captured output.
enum ArtyCommandRunner {
    /// The `arty` binary next to this test process, if it was built.
    static var binary: String? {
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var dir = URL(fileURLWithPath: exe).deletingLastPathComponent()
        // The runner may live inside `artyPackageTests.xctest/...`.
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("arty").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return nil
    }

    struct Outcome: Sendable {
        var status: Int32
        var stdout: String
        var stderr: String
        var timedOut: Bool
        var stdoutBytes: Data
        var all: String { stdout + "\n" + stderr }
    }

    /// Runs `arty ARGS` with exactly `environment` (plus PATH), killing it after `timeout` seconds.
    static func run(_ arguments: [String], environment: [String: String], input: String? = nil,
                    timeout: Double = 30) throws -> Outcome {
        guard let binary else { throw RunnerError(message: "the arty binary is not built (run `swift build` first)") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        var env = environment
        env["PATH"] = env["PATH"] ?? "/usr/bin:/bin"
        process.environment = env
        let outPath = scratchPath("stdout")
        let errPath = scratchPath("stderr")
        _ = FileManager.default.createFile(atPath: outPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        let out = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
        let err = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        process.standardOutput = out
        process.standardError = err
        if let input {
            let pipe = Pipe()
            process.standardInput = pipe
            try process.run()
            pipe.fileHandleForWriting.write(Data(input.utf8))
            try pipe.fileHandleForWriting.close()
        } else {
            process.standardInput = FileHandle.nullDevice
            try process.run()
        }
        let deadline = Date().addingTimeInterval(timeout)
        var timedOut = false
        while process.isRunning {
            if Date() > deadline {
                timedOut = true
                process.terminate()
                Thread.sleep(forTimeInterval: 0.2)
                if process.isRunning { kill(process.processIdentifier, SIGKILL) }
                break
            }
            Thread.sleep(forTimeInterval: 0.02)
        }
        process.waitUntilExit()
        try out.close()
        try err.close()
        let stdout = (try? Data(contentsOf: URL(fileURLWithPath: outPath))) ?? Data()
        let stderr = (try? Data(contentsOf: URL(fileURLWithPath: errPath))) ?? Data()
        return Outcome(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                       stderr: String(decoding: stderr, as: UTF8.self), timedOut: timedOut, stdoutBytes: stdout + stderr)
    }
}

struct RunnerError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

/// A fresh path under a per-test temporary folder.
func scratchPath(_ name: String) -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("arty-e2e-\(UUID().uuidString)")
    try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir.appendingPathComponent(name).path
}

/// A local registry in this process, seeded through the client, for the binary to talk to.
struct SeededRegistry {
    let registry: LocalRegistry
    let injector: FaultInjector
    let client: CometClient
    let workspace: String
    let home: String

    /// Starts a registry with `apiKey` and logs `versions` of `artifact`: each a map of logical
    /// path → bytes, with aliases.
    static func start(apiKey: String, artifacts: [(name: String, files: [String: String], aliases: [String])] = [])
        async throws -> SeededRegistry {
        let injector = FaultInjector()
        let dir = URL(fileURLWithPath: scratchPath("registry"), isDirectory: true)
        let registry = try await LocalRegistry.start(RegistryConfiguration(dataDirectory: dir, apiKey: apiKey, faults: injector))
        let client = CometClient(configuration: try CometConfiguration(apiKey: apiKey, urlOverride: registry.urlOverride),
                                 retryPolicy: .none)
        let workspace = try #require(try await client.accountDetails().defaultWorkspaceName)
        for artifact in artifacts {
            let up = try await client.upsertArtifactVersion(ArtifactVersionUpsert(
                artifactName: artifact.name, artifactType: "dataset", workspace: workspace, aliases: artifact.aliases))
            for (path, text) in artifact.files.sorted(by: { $0.key < $1.key }) {
                let file = scratchPath("upload")
                try Data(text.utf8).write(to: URL(fileURLWithPath: file))
                try await client.uploadAsset(fileAt: file, logicalPath: path, artifactVersionId: up.artifactVersionId, experimentKey: nil)
            }
            try await client.setVersionState(artifactVersionId: up.artifactVersionId, experimentKey: nil, state: .closed)
        }
        let home = scratchPath("home")
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        return SeededRegistry(registry: registry, injector: injector, client: client, workspace: workspace, home: home)
    }

    /// The environment of an `arty` talking to this registry with `apiKey`.
    func environment(apiKey: String?, extra: [String: String] = [:]) -> [String: String] {
        var env = ["HOME": home, "XDG_DATA_HOME": home + "/data", "XDG_CACHE_HOME": home + "/cache",
                   "COMET_URL_OVERRIDE": registry.urlOverride, "COMET_WORKSPACE": workspace, "LANG": "C.UTF-8",
                   "TERM": "xterm-256color", "COMET_CONFIG": home + "/none.config"]
        if let apiKey { env["COMET_API_KEY"] = apiKey }
        return env.merging(extra) { $1 }
    }
}

/// One tmux server (`-L`, private socket) with one session running a command: keys, resizes,
/// captures. The server is killed by ``stop()``.
final class RobustnessTmux: @unchecked Sendable {
    let socket: String
    let session = "t"

    static var isAvailable: Bool { FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux") }

    /// Starts `command` in a `width`×`height` pane with `environment`; the pane stays after the
    /// command exits, so its exit status can be read.
    init(command: [String], environment: [String: String], width: Int, height: Int) throws {
        socket = "arty-robust-\(UUID().uuidString.prefix(8))"
        var args = ["new-session", "-d", "-s", session, "-x", String(width), "-y", String(height)]
        for (k, v) in environment.sorted(by: { $0.key < $1.key }) { args += ["-e", "\(k)=\(v)"] }
        args.append(command.map(Self.shellQuote).joined(separator: " "))
        // Options in the same tmux invocation, so they hold before the command can exit.
        args += [";", "set-option", "-g", "remain-on-exit", "on", ";", "set-option", "-g", "window-size", "manual",
                 ";", "set-option", "-g", "status", "off"]
        try tmux(["-f", "/dev/null"] + args)
    }

    static func shellQuote(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    @discardableResult
    func tmux(_ args: [String], check: Bool = true) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/tmux")
        p.arguments = ["-L", socket] + args
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        if check, p.terminationStatus != 0 { throw RunnerError(message: "tmux \(args.joined(separator: " ")) failed") }
        return String(decoding: data, as: UTF8.self)
    }

    /// The pane's text (no attributes), one line per row.
    func capture(target: String? = nil) throws -> String {
        try tmux(["capture-pane", "-p", "-t", target ?? session])
    }

    func send(_ keys: String...) throws { try tmux(["send-keys", "-t", session] + keys) }

    func resize(width: Int, height: Int) throws {
        try tmux(["resize-window", "-t", session, "-x", String(width), "-y", String(height)])
    }

    /// `#{pane_dead} #{pane_dead_status}` etc.
    func format(_ format: String, target: String? = nil) throws -> String {
        try tmux(["display-message", "-p", "-t", target ?? session, format]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// True while the command runs.
    var isAlive: Bool { (try? format("#{pane_dead}")) == "0" }

    /// Waits until the capture satisfies `condition` (polling every 50 ms), up to `seconds`.
    @discardableResult
    func waitFor(_ seconds: Double = 10, _ what: String, _ condition: (String) -> Bool) throws -> String {
        let deadline = Date().addingTimeInterval(seconds)
        var last = ""
        while Date() < deadline {
            last = (try? capture()) ?? ""
            if condition(last) { return last }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw RunnerError(message: "timed out waiting for \(what); screen:\n\(last)")
    }

    /// Sends `q` and waits for the command to end; returns its exit status (nil if it did not end).
    func quit(seconds: Double = 5) throws -> Int? {
        if isAlive { try send("q") }
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if (try? format("#{pane_dead}")) == "1" { return Int(try format("#{pane_dead_status}")) }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return nil
    }

    func stop() { _ = try? tmux(["kill-server"], check: false) }

    deinit { stop() }
}
