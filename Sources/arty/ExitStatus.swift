import ArgumentParser
import Foundation

extension Arty {
    /// Runs arty with the exit statuses its scripts rely on: 0 ok, 1 failure, 2 usage
    /// (ArgumentParser's own usage status, 64, is mapped to 2).
    ///
    /// `--read-only` is global: given anywhere before `--`, it is removed from the arguments and
    /// sets `ARTY_READ_ONLY=1`, which every mutating command (and the TUI) honours. Options with an
    /// optional value are completed first (``normalized(_:)``).
    static func main() async {
        var arguments = normalized(Array(CommandLine.arguments.dropFirst()))
        let end = arguments.firstIndex(of: "--") ?? arguments.endIndex
        if arguments[..<end].contains("--read-only") {
            setenv("ARTY_READ_ONLY", "1", 1)
            arguments = arguments[..<end].filter { $0 != "--read-only" } + arguments[end...]
        }
        do {
            var command = try parseAsRoot(arguments)
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let code = exitCode(for: error)
            if code == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}
