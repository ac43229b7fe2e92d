import ArgumentParser
import Foundation

/// `arty`: a terminal browser for Comet ML Artifacts. With no subcommand it opens the TUI.
///
/// Exit status: 0 ok, 1 failure, 2 usage error (ArgumentParser's own 64 is mapped to 2).
/// `--read-only` is global: given anywhere before `--`, it is removed from the arguments and
/// sets `ARTY_READ_ONLY=1`, which every mutating command and the TUI honour.
@main
struct Arty: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "arty",
        abstract: "A terminal browser for Comet ML Artifacts.",
        subcommands: [Browse.self, Demo.self, Serve.self, Ls.self, User.self,
                      Download.self, Alias.self, Tag.self, Bump.self, Log.self, Diff.self],
        defaultSubcommand: Browse.self
    )

    static func main() async {
        var arguments = Array(CommandLine.arguments.dropFirst())
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
                let message = fullMessage(for: error)
                if !message.isEmpty { FileHandle.standardError.write(Data((message + "\n").utf8)) }
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}
