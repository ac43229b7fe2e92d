import ArgumentParser
import ArtifactRegistry
import ArtyUI
import CometAPI
import Foundation

/// `arty demo`: a throwaway local registry, seeded with sample artifacts.
struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Seed a throwaway local registry with sample artifacts and browse it.",
        discussion: "The registry lives in a temporary directory (removed on exit) unless --data is given."
    )

    @Option(name: .long, help: "Keep the demo registry in this directory instead of a temporary one.")
    var data: String?

    @Flag(name: .long, help: "Only serve the seeded registry (print its URL) instead of opening the browser.")
    var noBrowser = false

    @Option(name: .long, help: "Port for the demo registry; 0 picks a free one.")
    var port: Int = 0

    func run() async throws {
        let temporary = data == nil
        let dir = data.map { URL(fileURLWithPath: $0, isDirectory: true).standardizedFileURL }
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("arty-demo-\(UUID().uuidString)", isDirectory: true)
        defer { if temporary { try? FileManager.default.removeItem(at: dir) } }
        // In its own function so that the registry (and its database) is closed before the directory goes.
        try await serveDemo(in: dir)
    }

    private func serveDemo(in dir: URL) async throws {
        let registry = try await startRegistry(.init(dataDirectory: dir, port: port), command: "demo")
        let summary = try await DemoSeeder.seed(with: try CometClientDemoWriter(registry: registry),
                                                scratch: dir.appendingPathComponent("seed-scratch", isDirectory: true))
        FileHandle.standardError.write(Data("""
            arty demo: seeded \(summary.workspaces) workspaces, \(summary.artifacts) artifacts, \(summary.versions) versions, \
            \(summary.files) files (\(summary.bytes) bytes), \(summary.remotes) remote links\n
            """.utf8))

        if noBrowser {
            print("COMET_URL_OVERRIDE=\(registry.urlOverride)")
            if let file = registry.apiKeyFile { print("API key file: \(file.path)") }
            print("Serving the demo registry; press Ctrl-C to stop.")
            fflush(nil)
            await SignalWaiter.waitForTermination()
        } else {
            let configuration = try CometConfiguration(apiKey: registry.apiKey, urlOverride: registry.urlOverride)
            try await runReportingErrors {
                try await browse(CometClient(configuration: configuration),
                                 BrowserContext(serverLabel: "demo registry", userName: nil))
            }
        }

        await registry.stop()
    }
}
