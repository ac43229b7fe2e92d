import ArgumentParser
import CometAPI
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
        if let name = arguments.first, let message = unknownCommandMessage(name) {
            // `arty frobnicate` would otherwise reach the default subcommand (browse) as an
            // "Unexpected argument" with browse's usage.
            FileHandle.standardError.write(Data((message + "\n").utf8))
            Foundation.exit(2)
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

    /// The error for a first argument that names no subcommand (`Unknown command 'frobnicate'.`,
    /// then the commands with their abstracts), or nil when `name` is a subcommand, `help`, or an
    /// option (`-…`; browse, the default, takes no positional argument, so a bare first word is
    /// always meant as a command).
    static func unknownCommandMessage(_ name: String) -> String? {
        let commands = configuration.subcommands.map { ($0.configuration.commandName ?? "", $0.configuration.abstract) }
        let names = Set(commands.map(\.0) + configuration.subcommands.flatMap { $0.configuration.aliases } + ["help"])
        guard !name.hasPrefix("-"), !names.contains(name) else { return nil }
        let width = commands.map(\.0.count).max() ?? 0
        let list = commands.map { "  " + $0.0.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + $0.1 }
        return (["Error: Unknown command '\(TerminalText.escape(name))'.", "Usage: arty [<command>] [<options>]", "", "Commands:"] + list
                + ["", "See 'arty help <command>' for a command's options."]).joined(separator: "\n")
    }
}
