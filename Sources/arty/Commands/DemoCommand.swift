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
        discussion: """
            The registry lives in a temporary directory (removed on exit) unless --data is given. With --data, a \
            directory that already holds the demo is opened as it is (no second seeding); a non-empty directory \
            that is not an arty registry is refused.
            """
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
        if case .foreign = Self.directoryState(dir) {
            printError("arty demo: '\(dir.path)' is not empty and holds no arty registry; choose a new or empty directory.")
            throw ExitCode(1)
        }
        let registry = try await startRegistry(.init(dataDirectory: dir, port: port), command: "demo")
        let marker = dir.appendingPathComponent(Self.markerName)
        let configuration = try CometConfiguration(apiKey: registry.apiKey, urlOverride: registry.urlOverride)
        if try await Self.alreadySeeded(marker: marker, client: CometClient(configuration: configuration)) {
            FileHandle.standardError.write(Data("arty demo: opening the demo registry in \(dir.path) (already seeded)\n".utf8))
        } else {
            let summary = try await DemoSeeder.seed(with: try CometClientDemoWriter(registry: registry),
                                                    scratch: dir.appendingPathComponent("seed-scratch", isDirectory: true))
            _ = FileManager.default.createFile(atPath: marker.path, contents: Data("seeded\n".utf8))
            FileHandle.standardError.write(Data("""
                arty demo: seeded \(Plural.count(summary.workspaces, "workspace")), \(Plural.count(summary.artifacts, "artifact")), \
                \(Plural.count(summary.versions, "version")), \(Plural.count(summary.files, "file")) \
                (\(Plural.count(summary.bytes, "byte"))), \(Plural.count(summary.remotes, "remote link"))\n
                """.utf8))
        }

        if noBrowser {
            print("COMET_URL_OVERRIDE=\(registry.urlOverride)")
            if let file = registry.apiKeyFile { print("API key file: \(file.path)") }
            print("Serving the demo registry; press Ctrl-C to stop.")
            fflush(nil)
            await SignalWaiter.waitForTermination()
        } else {
            try await runReportingErrors {
                try await browse(CometClient(configuration: configuration),
                                 BrowserContext(serverLabel: "demo registry", userName: nil))
            }
        }

        await registry.stop()
    }

    /// File written into the data directory once seeding finished.
    static let markerName = "demo-seeded"

    /// What a `--data` directory holds before the demo starts.
    enum DirectoryState: Equatable {
        /// Missing, or an empty directory: the demo creates its registry there.
        case fresh
        /// An arty registry (`registry.sqlite`): opened, seeded only if the demo is not there yet.
        case registry
        /// A non-empty directory without a registry: refused (the demo must not litter it).
        /// A regular file is left to the registry's own one-line start-up error.
        case foreign
    }

    /// Classifies `dir` (reads the directory listing only).
    static func directoryState(_ dir: URL) -> DirectoryState {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dir.path, isDirectory: &isDirectory), isDirectory.boolValue else { return .fresh }
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        if entries.isEmpty { return .fresh }
        return entries.contains(LocalRegistry.databaseFileName) ? .registry : .foreign
    }

    /// True when the demo content is there: the marker exists, or (a directory seeded before the
    /// marker existed) the first demo artifact can be read. In the latter case the marker is written.
    static func alreadySeeded(marker: URL, client: CometClient) async throws -> Bool {
        if FileManager.default.fileExists(atPath: marker.path) { return true }
        guard let first = DemoPlan.standard().artifacts.first,
              (try? await client.artifactDetails(workspace: first.workspace, name: first.name)) != nil else { return false }
        _ = FileManager.default.createFile(atPath: marker.path, contents: Data("seeded\n".utf8))
        return true
    }
}
