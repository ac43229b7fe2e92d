import ArgumentParser
import ArtifactRegistry
import Foundation

/// `arty user`: manages the users and API keys of a local registry.
struct User: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user",
        abstract: "Manage users and API keys of a local registry.",
        subcommands: [Add.self]
    )

    /// `arty user add NAME --data DIR [--print-key]`.
    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add",
            abstract: "Add a user (with a workspace of the same name) and a new API key.",
            discussion: "The key is written to DIR/keys/NAME.key (mode 0600); its path is printed, the key only with --print-key."
        )

        @Argument(help: "User name (also the name of the user's default workspace).")
        var name: String

        @Option(name: .long, help: "Data directory of the registry (it may be running).")
        var data: String

        @Flag(name: .long, help: "Print the key itself instead of the key file path.")
        var printKey = false

        func run() async throws {
            let dir = URL(fileURLWithPath: data, isDirectory: true).standardizedFileURL
            let (key, file) = try LocalRegistry.addUser(name: name, dataDirectory: dir)
            print(printKey ? key : file.path)
        }
    }
}
