import ArgumentParser

struct Browse: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "browse", abstract: "(not built yet)")

    func run() async throws {
        throw ValidationError("arty browse is not built yet")
    }
}
