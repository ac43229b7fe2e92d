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
                    timeout: Double = 30) async throws -> Outcome {
        guard let binary else { throw RunnerError(message: "the arty binary is not built (run `swift build` first)") }
        var env = environment
        env["PATH"] = env["PATH"] ?? "/usr/bin:/bin"
        let outPath = scratchPath("stdout")
        let errPath = scratchPath("stderr")
        var inPath = "/dev/null"
        if let input {
            inPath = scratchPath("stdin")
            try Data(input.utf8).write(to: URL(fileURLWithPath: inPath))
        }
        let child = try ChildProcess.spawn(binary, arguments, environment: env, stdin: inPath, stdout: outPath, stderr: errPath)
        let (status, timedOut) = await child.wait(timeout: timeout)
        let stdout = (try? Data(contentsOf: URL(fileURLWithPath: outPath))) ?? Data()
        let stderr = (try? Data(contentsOf: URL(fileURLWithPath: errPath))) ?? Data()
        return Outcome(status: status, stdout: String(decoding: stdout, as: UTF8.self),
                       stderr: String(decoding: stderr, as: UTF8.self), timedOut: timedOut, stdoutBytes: stdout + stderr)
    }
}

/// A child process started with `posix_spawn` and reaped with `waitpid` (Foundation's `Process`
/// lost track of children here: a finished tmux client stayed a zombie and `waitUntilExit` hung).
struct ChildProcess {
    let pid: pid_t

    /// Starts `path ARGS` with exactly `environment`, standard streams redirected to files.
    static func spawn(_ path: String, _ arguments: [String], environment: [String: String], stdin: String = "/dev/null",
                      stdout: String, stderr: String) throws -> ChildProcess {
        var actions: posix_spawn_file_actions_t = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, stdin, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for p in argv { free(p) }
            for p in envp { free(p) }
        }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, path, &actions, nil, argv, envp)
        guard rc == 0 else { throw RunnerError(message: "posix_spawn \(path) failed: \(rc)") }
        return ChildProcess(pid: pid)
    }

    /// Waits for the exit (status; 128+N for a signal), killing the child after `timeout` seconds.
    func wait(timeout: Double) async -> (status: Int32, timedOut: Bool) {
        let deadline = Date().addingTimeInterval(timeout)
        var timedOut = false
        var status: Int32 = 0
        while true {
            let r = waitpid(pid, &status, WNOHANG)
            if r == pid { break }
            if r < 0 { return (-1, timedOut) }
            if Date() > deadline, !timedOut {
                timedOut = true
                kill(pid, SIGKILL)
            }
            // Never block a cooperative thread: an in-process registry needs them to answer.
            try? await Task.sleep(for: .milliseconds(10))
        }
        let exited = (status & 0x7F) == 0
        return (exited ? (status >> 8) & 0xFF : 128 + (status & 0x7F), timedOut)
    }

    /// Stops the child (SIGTERM, then SIGKILL) and reaps it.
    func stop() async {
        kill(pid, SIGTERM)
        let (_, timedOut) = await wait(timeout: 3)
        if timedOut { _ = await wait(timeout: 1) }
    }
}

struct RunnerError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

/// An empty `.comet.config` for `COMET_CONFIG` (a missing one is an error), so that no developer
/// configuration leaks into a test.
func emptyCometConfig() -> String {
    let path = scratchPath("empty.config")
    FileManager.default.createFile(atPath: path, contents: Data())
    return path
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
        try Data().write(to: URL(fileURLWithPath: home + "/none.config"))  // an empty config: nothing from the user's
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
    init(command: [String], environment: [String: String], width: Int, height: Int) async throws {
        socket = "arty-robust-\(UUID().uuidString.prefix(8))"
        var args = ["new-session", "-d", "-s", session, "-x", String(width), "-y", String(height)]
        for (k, v) in environment.sorted(by: { $0.key < $1.key }) { args += ["-e", "\(k)=\(v)"] }
        args.append(command.map(Self.shellQuote).joined(separator: " "))
        // Options from a config file, so they hold before the command can exit.
        let conf = scratchPath("tmux.conf")
        try Data("set -g remain-on-exit on\nset -g status off\n".utf8).write(to: URL(fileURLWithPath: conf))
        try await tmux(["-f", conf] + args)
        // Not in the config file: there it makes tmux 3.3's server exit at start.
        try await tmux(["set-option", "-g", "window-size", "manual"], check: false)
    }

    static func shellQuote(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    @discardableResult
    func tmux(_ args: [String], check: Bool = true) async throws -> String {
        // Output goes to a file, not a pipe: a tmux server started by this call inherits the
        // client's stdout and would keep a pipe open forever.
        let outPath = scratchPath("tmux-out")
        let child = try ChildProcess.spawn("/usr/bin/tmux", ["-L", socket] + args,
                                           environment: ["PATH": "/usr/bin:/bin", "HOME": NSTemporaryDirectory()],
                                           stdout: outPath, stderr: "/dev/null")
        let (status, _) = await child.wait(timeout: 10)
        if check, status != 0 { throw RunnerError(message: "tmux \(args.joined(separator: " ")) failed (\(status))") }
        return String(decoding: (try? Data(contentsOf: URL(fileURLWithPath: outPath))) ?? Data(), as: UTF8.self)
    }

    /// The pane's text (no attributes), one line per row.
    func capture(target: String? = nil) async throws -> String {
        try await tmux(["capture-pane", "-p", "-t", target ?? session])
    }

    func send(_ keys: String...) async throws { try await tmux(["send-keys", "-t", session] + keys) }

    func resize(width: Int, height: Int) async throws {
        try await tmux(["resize-window", "-t", session, "-x", String(width), "-y", String(height)])
    }

    /// `#{pane_dead} #{pane_dead_status}` etc.
    func format(_ format: String, target: String? = nil) async throws -> String {
        try await tmux(["display-message", "-p", "-t", target ?? session, format]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// True while the command runs.
    var isAlive: Bool { get async { (try? await format("#{pane_dead}")) == "0" } }

    /// Waits until the capture satisfies `condition` (polling every 50 ms), up to `seconds`.
    @discardableResult
    func waitFor(_ seconds: Double = 10, _ what: String, _ condition: (String) -> Bool) async throws -> String {
        let deadline = Date().addingTimeInterval(seconds)
        var last = ""
        while Date() < deadline {
            last = (try? await capture()) ?? ""
            if condition(last) { return last }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw RunnerError(message: "timed out waiting for \(what); screen:\n\(last)")
    }

    /// Sends `q` and waits for the command to end; returns its exit status (nil if it did not end).
    func quit(seconds: Double = 5) async throws -> Int? {
        if await isAlive { try await send("q") }
        let deadline = Date().addingTimeInterval(seconds)
        var last = ""
        while Date() < deadline {
            last = (try? await format("#{pane_dead} #{pane_dead_status}")) ?? "no answer"
            // tmux marks the pane dead a moment before it knows the exit status.
            if last.hasPrefix("1 "), let code = Int(last.dropFirst(2)) { return code }
            try await Task.sleep(for: .milliseconds(50))
        }
        // Dead, but tmux has no exit status yet (the process is still tearing down): not a crash,
        // which would give a signal or a status.
        if last.hasPrefix("1") { return nil }
        throw RunnerError(message: "the command did not end after q (\(last)); screen:\n\((try? await capture()) ?? "")")
    }

    /// Kills the tmux server (fire and forget; safe from `defer` and `deinit`).
    func stop() {
        _ = try? ChildProcess.spawn("/usr/bin/tmux", ["-L", socket, "kill-server"], environment: ["PATH": "/usr/bin:/bin"],
                                    stdout: "/dev/null", stderr: "/dev/null")
    }

    deinit { stop() }
}

/// Quits the TUI with `q` and expects it to end without a crash: exit status 0 and no signal
/// (tmux may not know the status yet when the pane is already dead; that counts as no crash).
func expectCleanQuit(_ tmux: RobustnessTmux, sourceLocation: SourceLocation = #_sourceLocation) async throws {
    let code = try await tmux.quit()
    let signal = (try? await tmux.format("#{pane_dead_signal}")) ?? ""
    #expect(signal.isEmpty, "arty was killed by signal \(signal)", sourceLocation: sourceLocation)
    let screen = (try? await tmux.capture()) ?? ""
    #expect(code == nil || code == 0, "arty ended with status \(code.map(String.init) ?? "none"), signal '\(signal)':\n\(screen)",
            sourceLocation: sourceLocation)
}
