import ArgumentParser

struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "demo", abstract: "(not built yet)")

    func run() async throws {
        throw ValidationError("arty demo is not built yet")
    }
}
