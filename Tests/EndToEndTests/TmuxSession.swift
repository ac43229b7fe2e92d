import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A program running in a private, headless tmux server, driven by keys and read back as text.
///
/// Each session gets its own server socket (`tmux -L arty-test-…`), so tests never touch the
/// user's tmux. Capture before the program quits: ncurses restores the screen on exit.
final class TmuxSession {
    /// Why driving tmux failed.
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    let socket: String
    let target = "arty"

    /// True when a `tmux` binary is on PATH.
    static var isAvailable: Bool { (try? run(["tmux", "-V"]))?.status == 0 }

    /// Starts `command` (argv) in a `width`×`height` window with `environment` added to tmux's,
    /// in `directory` (default: tmux's own working directory).
    init(_ command: [String], width: Int = 100, height: Int = 30, environment: [String: String] = [:],
         directory: String? = nil) throws {
        socket = "arty-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        var args = ["new-session", "-d", "-s", target, "-x", "\(width)", "-y", "\(height)"]
        if let directory { args += ["-c", directory] }
        let env = ["LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "TERM": "xterm-256color"].merging(environment) { $1 }
        for (key, value) in env.sorted(by: { $0.key < $1.key }) { args += ["-e", "\(key)=\(value)"] }
        args.append(command.map(TmuxSession.shellQuote).joined(separator: " "))
        try tmux(args)
    }

    deinit { _ = try? tmux(["kill-server"]) }

    /// Sends tmux key names (`"j"`, `"Enter"`, `"Escape"`, `"C-c"`), one key per argument.
    func send(_ keys: String...) throws {
        for key in keys { try tmux(["send-keys", "-t", target, key]) }
    }

    /// Types `text` literally.
    func type(_ text: String) throws { try tmux(["send-keys", "-t", target, "-l", text]) }

    /// The screen as plain text (`colors: true` keeps the SGR escapes, for screenshots).
    func capture(colors: Bool = false) throws -> String {
        try tmux(["capture-pane", "-p", "-t", target] + (colors ? ["-e"] : []))
    }

    /// Resizes the window (the program sees SIGWINCH).
    func resize(width: Int, height: Int) throws {
        try tmux(["resize-window", "-t", target, "-x", "\(width)", "-y", "\(height)"])
    }

    /// True while the program (and so the session) is still running.
    var isRunning: Bool { (try? TmuxSession.run(["tmux", "-L", socket, "has-session", "-t", target]))?.status == 0 }

    /// Captures the screen until `condition` holds on it and returns that screen; throws with the
    /// last screen after `seconds` (a deadline for a slow machine, not a speed assertion).
    /// Waits by suspending (`Task.sleep`), never by blocking a thread: the in-process registries of
    /// the tests answer on the same cooperative pool, two threads wide on two cores.
    @discardableResult
    func waitFor(_ what: String, seconds: Double = 30, _ condition: (String) -> Bool) async throws -> String {
        let deadline = Date().addingTimeInterval(seconds)
        var screen = ""
        while Date() < deadline {
            screen = (try? capture()) ?? ""
            if condition(screen) { return screen }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw Failure(description: "timed out waiting for \(what); screen was:\n\(screen)")
    }

    /// Waits until the screen contains every one of `texts`.
    @discardableResult
    func waitFor(_ texts: String..., seconds: Double = 30) async throws -> String {
        try await waitFor(texts.joined(separator: ", "), seconds: seconds) { screen in texts.allSatisfy(screen.contains) }
    }

    /// Waits until the program has exited.
    func waitForExit(seconds: Double = 30) async throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if !isRunning { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw Failure(description: "the program did not exit")
    }

    @discardableResult
    private func tmux(_ args: [String]) throws -> String {
        let result = try TmuxSession.run(["tmux", "-L", socket] + args)
        guard result.status == 0 else { throw Failure(description: "tmux \(args.first ?? "") failed: \(result.output)") }
        return result.output
    }

    /// Runs `argv` (looked up on PATH) to completion with posix_spawn and waitpid; stdout and
    /// stderr go to a temporary file, not a pipe: the tmux server that `new-session` forks
    /// inherits the descriptors and would keep a pipe open forever.
    static func run(_ argv: [String]) throws -> (status: Int32, output: String) {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("arty-tmux-\(UUID().uuidString)").path
        defer { unlink(path) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var cArgs = argv.map { strdup($0) } + [nil]
        defer { for p in cArgs { free(p) } }
        var pid: pid_t = 0
        let rc = posix_spawnp(&pid, argv[0], &actions, nil, &cArgs, environ)
        guard rc == 0 else { throw Failure(description: "cannot run \(argv[0]): error \(rc)") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let output = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        let exited = (status & 0x7f) == 0
        return (exited ? (status >> 8) & 0xff : -1, output)
    }

    static func shellQuote(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }
}

/// Where the built `arty` binary is: `ARTY_BIN`, or `.build/debug/arty` in the package.
enum ArtyBinary {
    static var path: String? {
        if let env = ProcessInfo.processInfo.environment["ARTY_BIN"] { return env }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        for dir in [".build/debug", ".build/release", ".build/x86_64-unknown-linux-gnu/debug", ".build/aarch64-unknown-linux-gnu/debug"] {
            let candidate = root.appendingPathComponent(dir).appendingPathComponent("arty").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}
