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
            discussion: """
                The key is written to DIR/keys/NAME.key (mode 0600); its path is printed, the key only with --print-key. \
                DIR must hold a registry (made by arty serve --data DIR). An existing user is refused unless --rotate \
                is given: then all its earlier keys are revoked (they stop working at once) and a new one is issued.
                """
        )

        @Argument(help: "User name (also the name of the user's default workspace).")
        var name: String

        @Option(name: .long, help: "Data directory of the registry (it may be running).")
        var data: String

        @Flag(name: .long, help: "Print the key itself instead of the key file path.")
        var printKey = false

        @Flag(name: .long, help: "For an existing user: revoke all its keys and issue a new one.")
        var rotate = false

        func validate() throws {
            if let problem = LocalRegistry.userNameProblem(name) { throw ValidationError("Invalid user name: \(problem).") }
        }

        func run() async throws {
            let dir = URL(fileURLWithPath: data, isDirectory: true).standardizedFileURL
            do {
                let (key, file) = try LocalRegistry.addUser(name: name, dataDirectory: dir, rotate: rotate)
                print(printKey ? key : file.path)
            } catch let error as UserAddError {
                printError("arty user add: \(error)")
                throw ExitCode(error.isUsage ? 2 : 1)
            } catch let error as RegistryStartError {
                printError("arty user add: \(error)")
                throw ExitCode(1)
            }
        }
    }
}
