import ArgumentParser

/// `arty`: a terminal browser for Comet ML Artifacts. With no subcommand it opens the TUI.
@main
struct Arty: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "arty",
        abstract: "A terminal browser for Comet ML Artifacts.",
        subcommands: [Browse.self, Demo.self, Serve.self, Ls.self, User.self, RegistryCommand.self,
                      Download.self, Cat.self, Alias.self, Tag.self, Bump.self, Log.self, Diff.self],
        defaultSubcommand: Browse.self
    )
}
