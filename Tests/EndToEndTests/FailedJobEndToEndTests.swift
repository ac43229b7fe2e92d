import CometAPI
import Foundation
import Testing

/// A failed download in the TUI (issue 11, finding 5): the real binary in tmux against `arty serve`
/// downloads `cats:2.0.0` into a folder where `data/x.csv` exists with other bytes of the same size
/// (overwrite strategy FAIL). The status line must name that file and why, the jobs view must keep
/// the failed job with the file's reason, and quitting with only finished jobs must not ask about jobs.
///
/// Every wait is a generous deadline for a loaded machine, never a speed assertion.
@Suite(.enabled(if: TmuxSession.isAvailable && ArtyBinary.path != nil, "needs tmux and a built arty binary"),
       .serialized)
struct FailedJobEndToEndTests {
    static let patience = 20.0
    /// The version's files: logical path and bytes.
    static let files: [(String, Data)] = [
        ("README.md", Data("# cats\nfour files\n".utf8)),
        ("data/x.csv", Data("name,lives\ntom,9\nfelix,9\n".utf8)),
        ("data/y.csv", Data("name,colour\ntom,grey\n".utf8)),
        ("images/cat.jpg", Data((0..<4_096).map { UInt8(truncatingIfNeeded: $0 &* 13 &+ 5) })),
    ]
    /// What is at `data/x.csv` before the download: the same size, other bytes.
    static let existingX = Data("name,lives\ntom,1\nfelix,1\n".utf8)

    @Test func aConflictingFileIsNamedWithItsReasonAndKeptInTheJobsView() async throws {
        #expect(Self.existingX.count == Self.files[1].1.count && Self.existingX != Self.files[1].1)
        let key = "failed-job-e2e-\(UInt32.random(in: 0...UInt32.max))"
        let (server, url) = try await ServeFaultsTests.serve(faults: "", key: key)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("arty-failed-job-\(UUID().uuidString)")
        defer {
            kill(server.pid, SIGTERM)
            Task {
                await server.stop()
                try? FileManager.default.removeItem(at: dir)
            }
        }
        for sub in ["home", "work/cats-2.0.0/data", "upload"] {
            try FileManager.default.createDirectory(at: dir.appendingPathComponent(sub), withIntermediateDirectories: true)
        }
        FileManager.default.createFile(atPath: dir.appendingPathComponent("home/empty.config").path, contents: Data())
        let existingPath = dir.appendingPathComponent("work/cats-2.0.0/data/x.csv")
        try Self.existingX.write(to: existingPath)

        let client = CometClient(configuration: try CometConfiguration(apiKey: key, urlOverride: url))
        let workspace = try #require(try await client.accountDetails().defaultWorkspaceName)
        let up = try await client.upsertArtifactVersion(ArtifactVersionUpsert(
            artifactName: "cats", artifactType: "dataset", workspace: workspace, version: "2.0.0"))
        for (n, (path, bytes)) in Self.files.enumerated() {
            let file = dir.appendingPathComponent("upload/\(n)")
            try bytes.write(to: file)
            try await client.uploadAsset(fileAt: file.path, logicalPath: path, artifactVersionId: up.artifactVersionId, experimentKey: nil)
        }
        try await client.setVersionState(artifactVersionId: up.artifactVersionId, experimentKey: nil, state: .closed)

        let environment = ["COMET_URL_OVERRIDE": url, "COMET_API_KEY": key, "COMET_WORKSPACE": workspace,
                           "HOME": dir.appendingPathComponent("home").path,
                           "COMET_CONFIG": dir.appendingPathComponent("home/empty.config").path,
                           "COMET_ERROR_TRACKING_ENABLE": "false"]
        let statusFile = dir.appendingPathComponent("status").path
        let tmux = try TmuxSession(["/bin/sh", "-c", "\"$0\" browse; echo $? > \"$1\"", ArtyBinary.path!, statusFile],
                                   width: 100, height: 30, environment: environment, directory: dir.appendingPathComponent("work").path)
        try await tmux.waitFor("cats", seconds: Self.patience)
        try tmux.send("Enter")
        try await tmux.waitFor("Versions (1)", "2.0.0", seconds: Self.patience)
        try tmux.send("d")
        try await tmux.waitFor("Download version cats:2.0.0", "1 exists already: data/x.csv", "[FAIL]", seconds: Self.patience)
        try tmux.send("Right", "Enter")

        // The status line (row 29 of 30) names the file and the reason, cut at the width (the reason goes first).
        // Both bottom rows, so that a capture taken mid-redraw is not judged.
        let screen = try await tmux.waitFor("the failed job's status line", seconds: Self.patience) { s in
            let rows = s.split(separator: "\n", omittingEmptySubsequences: false)
            return s.contains("files failed") && rows.count >= 30 && rows[29].hasPrefix("J jobs")
        }
        let lines = screen.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let status = lines[28].trimmingCharacters(in: .whitespaces)
        #expect(status.hasPrefix("✗ error: cats:2.0.0: 1 of 4 files failed — data/x.csv: exists with different content"), "\(status)")
        #expect(status.hasSuffix("…"), "\(status)")
        #expect(lines[29].hasPrefix("J jobs"), "the hint line leads with J while a failed job waits: \(lines[29])")
        // The engine kept the existing file and wrote the other three.
        #expect(try Data(contentsOf: existingPath) == Self.existingX)
        for (path, bytes) in Self.files where path != "data/x.csv" {
            #expect(try Data(contentsOf: dir.appendingPathComponent("work/cats-2.0.0/\(path)")) == bytes, "\(path)")
        }

        // The jobs view keeps the failed job, its summary and the file's reason.
        try tmux.send("J")
        // Wait for the whole view, its footer included: under load a capture can land mid-redraw.
        let view = try await tmux.waitFor("Jobs (0 running, 1 finished)", "⇣ cats:2.0.0 → ./cats-2.0.0",
                                    "x cancel/dismiss · D clear finished", seconds: Self.patience)
        #expect(view.contains("✗ failed · Downloaded 3 files"), "\(view)")
        #expect(view.contains("Failed files (1):"), "\(view)")
        #expect(view.contains("✗ data/x.csv"), "\(view)")
        #expect(view.contains("exists with different content (Tab: PRESERVE or OVERWRITE)"), "\(view)")
        #expect(view.contains("x cancel/dismiss · D clear finished"), "\(view)")
        // Closing and reopening keeps it.
        try tmux.send("Escape")
        try await tmux.waitFor("the jobs view to close", seconds: Self.patience) { !$0.contains("Failed files (1):") }
        try tmux.send("J")
        try await tmux.waitFor("Failed files (1):", "✗ data/x.csv", seconds: Self.patience)
        try tmux.send("Escape")
        try await tmux.waitFor("the jobs view to close", seconds: Self.patience) { !$0.contains("Failed files (1):") }
        // Only a finished job: q quits at once, without "Quit arty?", and arty exits with status 0.
        try tmux.send("q")
        try await tmux.waitForExit(seconds: Self.patience)
        let exit = try String(contentsOfFile: statusFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(exit == "0", "arty exited with status \(exit)")
    }
}
