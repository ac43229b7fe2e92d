import ArtifactRegistry
import CometAPI
import Foundation
import Testing

/// The TUI's actions (issue 5) with the real binary in tmux against an in-process local registry
/// seeded with the demo content: download with `d`, move an alias with `a`, bump with `b`; the
/// results are checked with ``CometClient`` and on disk.
@Suite(.enabled(if: TmuxSession.isAvailable && ArtyBinary.path != nil, "needs tmux and a built arty binary"),
       .serialized)
struct ActionsEndToEndTests {
    /// A seeded registry, a scratch folder (the browser's working directory), and a client.
    struct Fixture {
        var registry: LocalRegistry
        var directory: URL
        var client: CometClient

        static func start() async throws -> Fixture {
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("arty-e2e-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            let registry = try await LocalRegistry.start(.init(dataDirectory: dir.appendingPathComponent("registry")))
            let writer = try CometClientDemoWriter(registry: registry)
            try await DemoSeeder.seed(with: writer, scratch: dir.appendingPathComponent("scratch"))
            let client = CometClient(configuration: try CometConfiguration(apiKey: registry.apiKey, urlOverride: registry.urlOverride))
            let work = dir.appendingPathComponent("work")
            try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
            return Fixture(registry: registry, directory: dir, client: client)
        }

        var work: URL { directory.appendingPathComponent("work") }

        /// `arty browse` on the registry, opened on `workspace`'s artifacts.
        func browse(workspace: String, width: Int = 100, height: Int = 30, readOnly: Bool = false) throws -> TmuxSession {
            try TmuxSession([ArtyBinary.path!, "browse"] + (readOnly ? ["--read-only"] : []), width: width, height: height, environment: [
                "COMET_URL_OVERRIDE": registry.urlOverride, "COMET_API_KEY": registry.apiKey, "COMET_WORKSPACE": workspace,
                "HOME": directory.path, "COMET_ERROR_TRACKING_ENABLE": "false",
            ], directory: work.path)
        }

        /// The browser on vision-lab's `cats-vs-dogs` with version 1.1.0 (alias `staging`) selected.
        func browseCatsVersion110() async throws -> TmuxSession {
            let tmux = try browse(workspace: "vision-lab")
            try await tmux.waitFor("cats-vs-dogs")
            try tmux.send("Enter")
            try await tmux.waitFor("Versions (3)", "staging")
            try tmux.send("j")  // 1.1.0 (staging); newest first
            return tmux
        }

        func stop() async {
            await registry.stop()
            try? FileManager.default.removeItem(at: directory)
        }
    }

    @Test func downloadAVersionWithD() async throws {
        let f = try await Fixture.start()
        defer { Task { await f.stop() } }
        let tmux = try f.browse(workspace: LocalRegistry.defaultUserName)
        try await tmux.waitFor("quickstart")
        try tmux.send("Enter")
        try await tmux.waitFor("Versions (1)", "1.0.0")
        try tmux.send("d")
        try await tmux.waitFor("Download version quickstart:1.0.0", "./quickstart-1.0.0/", "3 files", "remote/readme.md", "▸ Cancel ◂")
        try tmux.send("Right", "Enter")
        try await tmux.waitFor("Downloaded 3 files")
        // Again: the dialog knows from arty's record that nothing needs fetching, and nothing is.
        try tmux.send("d")
        try await tmux.waitFor("3 exist already (all up to date)")
        try tmux.send("Right", "Enter")
        try await tmux.waitFor("Downloaded 0 files", "3 kept (3 up to date)")
        try tmux.send("q")
        try await tmux.waitForExit()

        let destination = f.work.appendingPathComponent("quickstart-1.0.0")
        let plan = try #require(DemoPlan.standard().artifacts.first { $0.name == "quickstart" })
        let assets = try await f.client.assets(workspace: LocalRegistry.defaultUserName, name: "quickstart", selector: .version("1.0.0"))
        for file in plan.versions[0].files {
            let data = try Data(contentsOf: destination.appendingPathComponent(file.logicalPath))
            #expect(data == file.contents, "\(file.logicalPath) differs")
            #expect(Int64(data.count) == assets.first { $0.logicalPath == file.logicalPath }?.size)
        }
        #expect(FileManager.default.fileExists(atPath: destination.appendingPathComponent("remote-assets.json").path))
    }

    @Test func moveAnAliasWithA() async throws {
        let f = try await Fixture.start()
        defer { Task { await f.stop() } }
        let tmux = try await f.browseCatsVersion110()
        try tmux.send("a")
        try await tmux.waitFor("Aliases of cats-vs-dogs:1.1.0", "> staging, ")
        try tmux.type("production")
        try tmux.send("Enter")
        try await tmux.waitFor("production: 2.0.0 → 1.1.0", "▸ Cancel ◂")
        try tmux.send("Right", "Enter")
        try await tmux.waitFor("Saved aliases of 1.1.0")
        try tmux.send("q")
        try await tmux.waitForExit()

        let details = try await f.client.artifactDetails(workspace: "vision-lab", name: "cats-vs-dogs")
        let aliases = Dictionary(uniqueKeysWithValues: details.versions.map { ($0.version, Set($0.aliases)) })
        #expect(aliases["1.1.0"] == ["staging", "production"])
        #expect(aliases["2.0.0"] == ["latest-good"])
    }

    @Test func bumpAVersionWithB() async throws {
        let f = try await Fixture.start()
        defer { Task { await f.stop() } }
        let tmux = try f.browse(workspace: LocalRegistry.defaultUserName)
        try await tmux.waitFor("quickstart")
        try tmux.send("Enter")
        try await tmux.waitFor("Versions (1)")
        try tmux.send("b")
        try await tmux.waitFor("1.0.0 → 1.1.0", "▸ Cancel ◂")
        try tmux.send("Right", "Enter")
        try await tmux.waitFor("Created quickstart:1.1.0")
        try await tmux.waitFor("Versions (2)")  // the pane refreshed from the server
        try tmux.send("q")
        try await tmux.waitForExit()

        let ws = LocalRegistry.defaultUserName
        let old = try await f.client.assets(workspace: ws, name: "quickstart", selector: .version("1.0.0"))
        let new = try await f.client.assets(workspace: ws, name: "quickstart", selector: .version("1.1.0"))
        #expect(new.map(\.logicalPath).sorted() == old.map(\.logicalPath).sorted())
        #expect(VersionDiff.compare(from: "1.0.0", old: old, to: "1.1.0", new: new).isEmpty)
    }

    @Test func readOnlyRefusesEditsButStillOffersDownloads() async throws {
        let f = try await Fixture.start()
        defer { Task { await f.stop() } }
        let tmux = try f.browse(workspace: LocalRegistry.defaultUserName, readOnly: true)
        try await tmux.waitFor("read-only", "quickstart")
        try tmux.send("Enter")
        try await tmux.waitFor("Versions (1)")
        try tmux.send("a")
        try await tmux.waitFor("Read-only session")
        try tmux.send("b")
        var screen = try await tmux.waitFor("Read-only session")
        #expect(!screen.contains("Bump quickstart"))
        try tmux.send("d")
        screen = try await tmux.waitFor("Download version quickstart:1.0.0")
        try tmux.send("Escape")
        screen = try await tmux.waitFor("Download cancelled")
        try tmux.send("q")
        try await tmux.waitForExit()
        let details = try await f.client.artifactDetails(workspace: LocalRegistry.defaultUserName, name: "quickstart")
        #expect(details.versions.map(\.version) == ["1.0.0"])
        #expect(!FileManager.default.fileExists(atPath: f.work.appendingPathComponent("quickstart-1.0.0").path))
    }
}
