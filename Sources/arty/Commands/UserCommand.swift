import ArgumentParser

struct User: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "user", abstract: "(not built yet)")

    func run() async throws {
        throw ValidationError("arty user is not built yet")
    }
}
