import CometAPI
import Foundation
import Testing

/// The TUI on a slow server (issue 12, docs/tui.md "Prefetch"): the real binary in tmux against
/// `arty serve --faults 'files=stall:MS'`, where every version's files listing takes seconds.
/// Once the first version's assets show, the next version's were loaded alongside, so moving
/// the cursor there shows them well before the stall could pass again.
@Suite(.enabled(if: TmuxSession.isAvailable && ArtyBinary.path != nil, "needs tmux and a built arty binary"))
struct PrefetchEndToEndTests {
    /// How long each `artifacts/version/files` answer waits, in milliseconds.
    static let stallMilliseconds = 8_000

    @Test func theNextVersionsAssetsAreThereWhenTheCursorArrives() async throws {
        let key = "prefetch-e2e-key-\(UInt32.random(in: 0...UInt32.max))"
        let (server, url) = try await ServeFaultsTests.serve(faults: "files=stall:\(Self.stallMilliseconds)", key: key)
        defer { kill(server.pid, SIGKILL) }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("arty-prefetch-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        FileManager.default.createFile(atPath: dir.appendingPathComponent("empty.config").path, contents: Data())
        // Four versions, each with one asset named after it (seeding never lists files: no stall).
        let client = CometClient(configuration: try CometConfiguration(apiKey: key, urlOverride: url))
        let workspace = try #require(try await client.accountDetails().defaultWorkspaceName)
        for version in ["1.0.0", "2.0.0", "3.0.0", "4.0.0"] {
            let up = try await client.upsertArtifactVersion(ArtifactVersionUpsert(
                artifactName: "prefetched", artifactType: "dataset", workspace: workspace, version: version))
            let file = dir.appendingPathComponent("only-in-\(version).txt")
            try Data(version.utf8).write(to: file)
            try await client.uploadAsset(fileAt: file.path, logicalPath: file.lastPathComponent, artifactVersionId: up.artifactVersionId,
                                         experimentKey: nil)
            try await client.setVersionState(artifactVersionId: up.artifactVersionId, experimentKey: nil, state: .closed)
        }
        let environment = ["COMET_URL_OVERRIDE": url, "COMET_API_KEY": key, "COMET_WORKSPACE": workspace,
                           "HOME": dir.path, "COMET_CONFIG": dir.appendingPathComponent("empty.config").path,
                           "COMET_ERROR_TRACKING_ENABLE": "false"]
        let tmux = try TmuxSession([ArtyBinary.path!, "browse"], width: 120, height: 34, environment: environment, directory: dir.path)
        try await tmux.waitFor("prefetched", seconds: 20)
        try tmux.send("Enter")
        // Newest first: 4.0.0's assets arrive after one stall; 3.0.0's and 2.0.0's were asked for with them.
        try await tmux.waitFor("only-in-4.0.0.txt", seconds: 30)
        try await Task.sleep(for: .milliseconds(1_500))
        try tmux.send("j")
        let seconds = Double(Self.stallMilliseconds) / 1000 * 0.6
        let screen = try await tmux.waitFor("only-in-3.0.0.txt", seconds: seconds)
        #expect(!screen.contains("only-in-4.0.0.txt"))
    }
}
