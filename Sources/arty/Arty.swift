import ArgumentParser

/// `arty`: a terminal browser for Comet ML Artifacts. With no subcommand it opens the TUI.
@main
struct Arty: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "arty",
        abstract: "A terminal browser for Comet ML Artifacts.",
        subcommands: [Browse.self, Demo.self, Serve.self, Ls.self, User.self, RegistryCommand.self,
                      Download.self, Cat.self, Alias.self, Tag.self, Bump.self, Log.self, Diff.self, ConfigCommand.self],
        defaultSubcommand: Browse.self
    )

    /// The arguments with options that take an optional value given their default: a bare
    /// `--include-remote` becomes `--include-remote=s3` (ArgumentParser has no optional-value
    /// options, and `--include-remote DIR` must keep DIR as the destination). Pure.
    static func normalized(_ arguments: [String]) -> [String] {
        var out: [String] = []
        for (i, argument) in arguments.enumerated() {
            if argument == "--" { return out + arguments[i...] }
            out.append(argument == "--include-remote" ? "--include-remote=s3" : argument)
        }
        return out
    }
}
