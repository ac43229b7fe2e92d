import CometAPI
import Foundation
import Testing

/// The TUI's jobs (docs/tui.md, "Jobs"): the jobs view `J` with per-file and total progress, cancel
/// from it, and the quit confirmation while a job runs; the real binary in tmux against a separate
/// `arty serve --faults 'get-asset=slow:N'` that paces every asset body, so a download stays in
/// flight long enough to look at (a local transfer is otherwise over before the first capture).
///
/// Every wait is a generous deadline for a loaded machine, never a speed assertion.
@Suite(.enabled(if: TmuxSession.isAvailable && ArtyBinary.path != nil, "needs tmux and a built arty binary"),
       .serialized)
struct JobsEndToEndTests {
    /// Bytes per second of each paced asset body: a 1 MiB file takes about two minutes, far longer
    /// than any test waits, so the job is still running whenever a test looks.
    static let bytesPerSecond = 8192
    static let fileSize = 1 << 20
    static let files = ["big-a.bin", "big-b.bin"]
    /// Long enough for a slow start of the binary and the registry on 2 busy cores.
    static let patience = 20.0

    /// An `arty serve` process with paced downloads, seeded with `big-data:1.0.0` (two 1 MiB
    /// files), and a scratch folder: `home`, and `work` (the browser's working directory).
    struct Fixture {
        var server: ChildProcess
        var url: String
        var key: String
        var workspace: String
        var directory: URL

        static func start() async throws -> Fixture {
            let key = "jobs-e2e-key-\(UInt32.random(in: 0...UInt32.max))"
            let (server, url) = try await ServeFaultsTests.serve(faults: "get-asset=slow:\(JobsEndToEndTests.bytesPerSecond)", key: key)
            do {
                let dir = FileManager.default.temporaryDirectory.appendingPathComponent("arty-jobs-e2e-\(UUID().uuidString)")
                for sub in ["home", "work", "upload"] {
                    try FileManager.default.createDirectory(at: dir.appendingPathComponent(sub), withIntermediateDirectories: true)
                }
                FileManager.default.createFile(atPath: dir.appendingPathComponent("home/empty.config").path, contents: Data())
                // Seeding uses only the upload routes; the fault paces `get-asset` alone.
                let client = CometClient(configuration: try CometConfiguration(apiKey: key, urlOverride: url))
                let workspace = try #require(try await client.accountDetails().defaultWorkspaceName)
                let up = try await client.upsertArtifactVersion(ArtifactVersionUpsert(
                    artifactName: "big-data", artifactType: "dataset", workspace: workspace, version: "1.0.0"))
                for (n, name) in JobsEndToEndTests.files.enumerated() {
                    let file = dir.appendingPathComponent("upload/\(name)")
                    try JobsEndToEndTests.content(seed: n).write(to: file)
                    try await client.uploadAsset(fileAt: file.path, logicalPath: name, artifactVersionId: up.artifactVersionId,
                                                 experimentKey: nil)
                }
                try await client.setVersionState(artifactVersionId: up.artifactVersionId, experimentKey: nil, state: .closed)
                return Fixture(server: server, url: url, key: key, workspace: workspace, directory: dir)
            } catch {
                await server.stop()
                throw error
            }
        }

        var work: URL { directory.appendingPathComponent("work") }
        /// Where `d` downloads `big-data:1.0.0` by default (`./big-data-1.0.0` in `work`).
        var destination: URL { work.appendingPathComponent("big-data-1.0.0") }

        var environment: [String: String] {
            ["COMET_URL_OVERRIDE": url, "COMET_API_KEY": key, "COMET_WORKSPACE": workspace,
             "HOME": directory.appendingPathComponent("home").path,
             "COMET_CONFIG": directory.appendingPathComponent("home/empty.config").path,
             "COMET_ERROR_TRACKING_ENABLE": "false"]
        }

        /// `arty browse` in tmux; with `statusFile`, a shell around it writes arty's exit status there.
        func browse(statusFile: String? = nil) throws -> TmuxSession {
            let arty = ArtyBinary.path!
            let command = statusFile.map { ["/bin/sh", "-c", "\"$0\" browse; echo $? > \"$1\"", arty, $0] } ?? [arty, "browse"]
            return try TmuxSession(command, width: 100, height: 30, environment: environment, directory: work.path)
        }

        /// Opens `big-data`, presses `d` on version 1.0.0, confirms, and waits for the job to start.
        func startDownload(_ tmux: TmuxSession) async throws {
            try await tmux.waitFor("big-data", seconds: patience)
            try tmux.send("Enter")
            try await tmux.waitFor("Versions (1)", "1.0.0", seconds: patience)
            try tmux.send("d")
            try await tmux.waitFor("Download version big-data:1.0.0", "./big-data-1.0.0/", "2 files", "▸ Cancel ◂", seconds: patience)
            try tmux.send("Right", "Enter")
            try await tmux.waitFor("Started download big-data:1.0.0", seconds: patience)
        }

        /// Every file and folder under the destination, relative to it (empty when it does not exist).
        func leftovers() -> [String] {
            guard let walker = FileManager.default.enumerator(atPath: destination.path) else { return [] }
            return walker.compactMap { $0 as? String }.sorted()
        }

        /// Stops the server now (SIGTERM, so no test run leaves it behind), then reaps it and
        /// removes the scratch folder in the background; for `defer`.
        func stop() {
            kill(server.pid, SIGTERM)  // the unreaped child keeps its pid: no other process can get it
            let server = self.server, directory = self.directory
            Task {
                await server.stop()
                try? FileManager.default.removeItem(at: directory)
            }
        }
    }

    /// Distinct bytes per file (a byte pattern shifted by `seed`).
    static func content(seed: Int) -> Data {
        Data((0..<fileSize).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ seed &* 7 &+ ($0 >> 8)) })
    }

    /// The jobs view's total line, `0/2 files · 24.0 KiB of 2.0 MiB · 8.0 KiB/s · ETA 4:10`, parsed
    /// from a screen: files finished, files, and the bytes-done text; nil when not shown.
    static func totalLine(_ screen: String) -> (finished: Int, files: Int, done: String)? {
        let pattern = /(\d+)\/(\d+) files · (\d+ B|[0-9.]+ [KMG]iB) of 2\.0 MiB/
        guard let m = screen.firstMatch(of: pattern), let finished = Int(m.1), let files = Int(m.2) else { return nil }
        return (finished, files, String(m.3))
    }

    /// The jobs view's line for `file`: `big-a.bin  …  24.0 KiB/1.0 MiB  downloading`; nil when not shown.
    static func fileLine(_ screen: String, _ file: String) -> (done: String, state: String)? {
        for line in screen.split(separator: "\n") where line.contains(file) {
            if let m = line.firstMatch(of: /(\d+ B|[0-9.]+ [KMG]iB)\/1\.0 MiB  ([a-z]+)/) { return (String(m.1), String(m.2)) }
        }
        return nil
    }

    @Test func theJobsViewShowsPerFileAndTotalProgressWhileTheDownloadRuns() async throws {
        let f = try await Fixture.start()
        defer { f.stop() }
        let tmux = try f.browse()
        try await f.startDownload(tmux)
        try tmux.send("J")
        // Both files in flight with some of their bytes: the total and each file's line.
        let first = try await tmux.waitFor("both files downloading with bytes moving", seconds: Self.patience) { screen in
            guard let total = Self.totalLine(screen), total.done != "0 B" else { return false }
            return Self.files.allSatisfy { Self.fileLine(screen, $0).map { $0.done != "0 B" && $0.state == "downloading" } ?? false }
        }
        #expect(first.contains("Jobs (1)"))
        #expect(first.contains("⇣ big-data:1.0.0 → ./big-data-1.0.0"))
        #expect(first.contains("Files of the selected job:"))
        #expect(first.contains("j/k select · x cancel/dismiss · D clear finished · Esc/J/q close"))
        let total = try #require(Self.totalLine(first))
        #expect(total.finished == 0 && total.files == 2)
        // The numbers move on while the view stays open (the transfer is live, not a frozen frame).
        let later = try await tmux.waitFor("the total to advance", seconds: Self.patience) { screen in
            Self.totalLine(screen).map { $0.done != total.done } ?? false
        }
        #expect(Self.totalLine(later)?.files == 2)
        #expect(f.leftovers().allSatisfy { !Self.files.contains($0) }, "a file has its final name mid-transfer: \(f.leftovers())")
        // Esc closes the view and cancels nothing; the status line keeps a summary of the running job,
        // its progress first, and the hint line offers J first.
        try tmux.send("Escape")
        let closed = try await tmux.waitFor("the jobs view to close", seconds: Self.patience) { !$0.contains("Files of the selected job:") }
        #expect(closed.contains("J jobs"))
        try await tmux.waitFor("the running job's summary", seconds: Self.patience) { screen in
            screen.range(of: #"⇣ \d+% · .* · big-data:1\.0\.0"#, options: .regularExpression) != nil
        }
        try tmux.send("J")
        try await tmux.waitFor("the job still running after Esc", seconds: Self.patience) { $0.contains("Jobs (1)") && !$0.contains("cancelling") }
        try tmux.send("J")
        try tmux.send("q")
        try await tmux.waitFor("Quit arty?", seconds: Self.patience)
        try tmux.send("y")
        try await tmux.waitForExit(seconds: Self.patience)
    }

    @Test func cancellingFromTheJobsViewRemovesThePartialFiles() async throws {
        let f = try await Fixture.start()
        defer { f.stop() }
        let tmux = try f.browse()
        try await f.startDownload(tmux)
        try tmux.send("J")
        try await tmux.waitFor("bytes on the way", seconds: Self.patience) { screen in
            Self.totalLine(screen).map { $0.done != "0 B" } ?? false
        }
        // Mid-transfer, the bytes are in `NAME.part`, never under the final name.
        let during = f.leftovers()
        #expect(during.contains { $0.hasSuffix(".part") }, "no .part while downloading: \(during)")
        #expect(during.allSatisfy { !Self.files.contains($0) }, "\(during)")

        try tmux.send("x")
        // The job ends as cancelled: it stays in the view as a finished job, and the status line says so.
        let after = try await tmux.waitFor("Jobs (0 running, 1 finished)", "⊘ cancelled · Download cancelled after 0 files", seconds: Self.patience)
        #expect(!after.contains("Files of the selected job:") && !after.contains("downloading"), "\(after)")
        // The TUI's cancel removes partial files (DownloadOptions.keepPartialFiles is false):
        // the summary is posted after the downloader's cleanup, so the folder is final by now.
        let left = f.leftovers()
        #expect(left.allSatisfy { !$0.hasSuffix(".part") }, "partial files left: \(left)")
        #expect(left.allSatisfy { !Self.files.contains($0) }, "a file has its final name: \(left)")
        #expect(tmux.isRunning)
        try tmux.send("q")  // the view
        try await tmux.waitFor("the jobs view to close", seconds: Self.patience) { !$0.contains("Jobs (0 running, 1 finished)") }
        try tmux.send("q")  // no job runs now (one finished): quits without asking
        try await tmux.waitForExit(seconds: Self.patience)
    }

    @Test func quittingWhileAJobRunsAsksFirstAndYesQuitsCleanly() async throws {
        let f = try await Fixture.start()
        defer { f.stop() }
        let statusFile = f.directory.appendingPathComponent("status").path
        let tmux = try f.browse(statusFile: statusFile)
        try await f.startDownload(tmux)
        try tmux.send("q")
        let ask = try await tmux.waitFor("Quit arty?", "1 job is still running:", seconds: Self.patience)
        #expect(ask.contains("• big-data:1.0.0 → ./big-data-1.0.0"))
        #expect(ask.contains("Quitting cancels it; partial files are removed."))
        #expect(ask.contains("y quits · N (any other key) keeps running"))
        // Any other key keeps the session and the job.
        try tmux.send("n")
        let stay = try await tmux.waitFor("Still running 1 job", seconds: Self.patience)
        #expect(!stay.contains("Quit arty?"))
        #expect(tmux.isRunning)
        try tmux.send("J")
        try await tmux.waitFor("the job to still be in flight", seconds: Self.patience) { screen in
            screen.contains("Jobs (1)") && Self.totalLine(screen).map { $0.done != "0 B" } ?? false
        }
        try tmux.send("J")
        try await tmux.waitFor("the jobs view to close", seconds: Self.patience) { !$0.contains("Jobs (1)") }
        // q again asks again; y quits, cancelling the job and removing its partial files first.
        try tmux.send("q")
        try await tmux.waitFor("Quit arty?", seconds: Self.patience)
        try tmux.send("y")
        try await tmux.waitForExit(seconds: Self.patience)
        let status = try String(contentsOfFile: statusFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(status == "0", "arty exited with status \(status)")
        let left = f.leftovers()
        #expect(left.allSatisfy { !$0.hasSuffix(".part") }, "partial files left after quitting: \(left)")
        #expect(left.allSatisfy { !Self.files.contains($0) }, "a file has its final name: \(left)")
    }
}
