import ArtifactRegistry
@testable import CometAPI
import Foundation
import Testing

/// Lineage (issue 13) with the real binary in tmux: a version's details name the experiment that
/// produced it (key, name, project) and the one that consumed it; `y` on a server with no known web
/// UI copies the reference and says so.
@Suite(.enabled(if: TmuxSession.isAvailable && ArtyBinary.path != nil, "needs tmux and a built arty binary"), .serialized)
struct LineageEndToEndTests {
    @Test func versionDetailsShowTheProducingExperiment() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("arty-e2e-\(UUID().uuidString)")
        let registry = try await LocalRegistry.start(.init(dataDirectory: dir.appendingPathComponent("registry")))
        defer { Task { await registry.stop(); try? FileManager.default.removeItem(at: dir) } }
        let client = CometClient(configuration: try CometConfiguration(apiKey: registry.apiKey, urlOverride: registry.urlOverride))
        let ws = LocalRegistry.defaultUserName

        // The producer: a named experiment in project "prep" logs iris 1.0.0 with one file.
        let producer = try await client.createExperiment(workspace: ws, project: "prep", name: "make-iris")
        let upsert = try await client.upsertArtifactVersion(ArtifactVersionUpsert(
            artifactName: "iris", artifactType: "dataset", experimentKey: producer.experimentKey, workspace: ws, version: "1.0.0"))
        let file = dir.appendingPathComponent("iris.csv")
        try Data("a,b\n1,2\n".utf8).write(to: file)
        try await client.uploadAsset(fileAt: file.path, logicalPath: "iris.csv", artifactVersionId: upsert.artifactVersionId,
                                     experimentKey: producer.experimentKey, metadata: nil)
        try await client.setVersionState(artifactVersionId: upsert.artifactVersionId, experimentKey: producer.experimentKey, state: .closed)
        // The consumer reads it as `Experiment.get_artifact` does (consumerExperimentKey, §2.5).
        let consumer = try await client.createExperiment(workspace: ws, project: "models", name: "train-on-iris")
        let read = client.url("artifacts/version", [.plain("artifactName", "iris"), .plain("versionOrAlias", "1.0.0"),
                                                    .plain("experimentKey", consumer.experimentKey),
                                                    .plain("consumerExperimentKey", consumer.experimentKey)])
        #expect(try await client.transport.send(client.makeRequest(.get, url: read), sink: .memory, progress: nil).status == 200)

        let environment = ["COMET_URL_OVERRIDE": registry.urlOverride, "COMET_API_KEY": registry.apiKey, "HOME": dir.path,
                           "COMET_ERROR_TRACKING_ENABLE": "false", "COMET_WORKSPACE": ws]
        let tmux = try TmuxSession([ArtyBinary.path!, "browse"], width: 160, height: 30, environment: environment, directory: dir.path)
        try await tmux.waitFor("iris")
        try tmux.send("/")
        try tmux.type("iris")
        try tmux.send("Enter", "Enter")
        try await tmux.waitFor("Versions (1)", "1.0.0")
        let screen = try await tmux.waitFor("Producer", "make-iris", "train-on-iris")
        #expect(screen.contains(String(producer.experimentKey.prefix(20))))
        #expect(screen.contains("prep"))
        #expect(screen.contains("Consumers"))
        #expect(screen.contains(String(consumer.experimentKey.prefix(20))))
        // `arty serve` reached by URL: no web UI is known for that host, so `y` copies the reference.
        try tmux.send("y")
        try await tmux.waitFor("Copied arty/iris:1.0.0 (127.0.0.1:", "has no known web UI)")
        try tmux.send("q")
        try await tmux.waitForExit()
    }
}
