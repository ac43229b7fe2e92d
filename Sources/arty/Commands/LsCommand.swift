import ArgumentParser

struct Ls: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ls", abstract: "(not built yet)")

    func run() async throws {
        throw ValidationError("arty ls is not built yet")
    }
}
