import ArtifactRegistry
import CometAPI
import Foundation
import Testing

/// Issue 15 operations, through the real `arty` binary: the access log of `arty serve`, and
/// `arty registry check` / `gc` on a data directory with planted damage.
@Suite("Registry operations", .serialized)
struct RegistryOpsTests {
    // MARK: Access log

    static let key = "ACCESS-LOG-KEY-8c1e"

    /// Starts `arty serve --access-log FILE` on a free port; returns the process and its override URL.
    static func serve(data: String, accessLog: String) async throws -> (ChildProcess, String) {
        guard let binary = ArtyCommandRunner.binary else { throw RunnerError(message: "the arty binary is not built") }
        let outPath = scratchPath("serve-out")
        let child = try ChildProcess.spawn(binary, ["serve", "--data", data, "--port", "0", "--api-key", key,
                                                    "--access-log", accessLog, "--log-level", "info"],
                                           environment: ["HOME": scratchPath("home"), "PATH": "/usr/bin:/bin"],
                                           stdout: outPath, stderr: scratchPath("serve-err"))
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            let text = String(decoding: (try? Data(contentsOf: URL(fileURLWithPath: outPath))) ?? Data(), as: UTF8.self)
            if let first = text.split(separator: "\n").first, text.contains("\n"), first.hasPrefix("COMET_URL_OVERRIDE=") {
                return (child, String(first.dropFirst("COMET_URL_OVERRIDE=".count)))
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        await child.stop()
        throw RunnerError(message: "arty serve did not print its URL")
    }

    /// `curl -s -o /dev/null URL` with optional headers; returns curl's exit status.
    static func curl(_ url: String, headers: [String] = []) async throws -> Int32 {
        let child = try ChildProcess.spawn("/usr/bin/curl", ["-s", "-o", "/dev/null"] + headers.flatMap { ["-H", $0] } + [url],
                                           environment: ["PATH": "/usr/bin:/bin"], stdout: "/dev/null", stderr: "/dev/null")
        return await child.wait(timeout: 20).status
    }

    @Test func serveWritesOneJSONLinePerRequestAndNeverTheKey() async throws {
        guard ArtyCommandRunner.binary != nil, FileManager.default.isExecutableFile(atPath: "/usr/bin/curl") else {
            Issue.record("the arty binary (or curl) is missing; run `swift build` first")
            return
        }
        let data = scratchPath("data")
        let log = scratchPath("access.jsonl")
        let (server, url) = try await Self.serve(data: data, accessLog: log)
        let root = String(url.dropLast("clientlib/".count))
        let env = ["HOME": scratchPath("home"), "COMET_CONFIG": emptyCometConfig(), "COMET_API_KEY": Self.key,
                   "COMET_URL_OVERRIDE": url, "LANG": "C.UTF-8"]
        let ls = try await ArtyCommandRunner.run(["ls"], environment: env)
        #expect(ls.status == 0, "\(ls.all)")
        let missing = try await ArtyCommandRunner.run(["ls", "arty/secret-artifact-name"], environment: env)
        #expect(missing.status == 1)
        #expect(try await Self.curl(root + "health") == 0)
        #expect(try await Self.curl(root + "api/rest/v2/workspaces?q=1", headers: ["Authorization: wrong-key"]) == 0)
        #expect(try await Self.curl(root + "api/rest/v2/no/such/route", headers: ["Authorization: \(Self.key)"]) == 0)
        await server.stop()

        let text = try String(contentsOfFile: log, encoding: .utf8)
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.count >= 5, "\(text)")
        let entries = try lines.map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any], "\($0)") }
        for entry in entries {
            #expect(Set(entry.keys) == ["time", "method", "route", "status", "bytes", "duration_ms", "user"], "\(entry)")
            #expect((entry["time"] as? String)?.hasSuffix("Z") == true)
            #expect((entry["route"] as? String)?.contains("?") == false)
        }
        func has(_ method: String, _ route: String, _ status: Int, _ user: String) -> Bool {
            entries.contains { $0["method"] as? String == method && $0["route"] as? String == route
                && $0["status"] as? Int == status && $0["user"] as? String == user }
        }
        #expect(has("GET", "/health", 200, "-"), "\(text)")
        #expect(has("GET", "/api/rest/v2/workspaces", 401, "-"), "\(text)")
        #expect(has("GET", "/api/rest/v2/no/such/route", 404, "arty"), "\(text)")
        #expect(entries.contains { $0["user"] as? String == "arty" && $0["status"] as? Int == 200
            && ($0["route"] as? String)?.hasPrefix("/api/rest/v2/") == true }, "\(text)")
        // The health answer is 15 bytes: {"status":"ok"}.
        #expect(entries.first { $0["route"] as? String == "/health" }?["bytes"] as? Int == 15)
        // Neither the key (in any form) nor names sent in query strings reach the log.
        for form in [Self.key, Self.key.lowercased(), Data(Self.key.utf8).base64EncodedString(), "secret-artifact-name"] {
            #expect(!text.contains(form), "the access log holds '\(form)'")
        }
        let mode = try #require(try FileManager.default.attributesOfItem(atPath: log)[.posixPermissions] as? NSNumber)
        #expect(mode.intValue & 0o777 == 0o600)

        // A second run appends to the same file.
        let (again, url2) = try await Self.serve(data: data, accessLog: log)
        #expect(try await Self.curl(String(url2.dropLast("clientlib/".count)) + "health") == 0)
        await again.stop()
        let after = try String(contentsOfFile: log, encoding: .utf8)
        #expect(after.hasPrefix(text))
        #expect(after.split(separator: "\n").count == lines.count + 1)
    }

    @Test func badLogFlagsAreRefusedWithOneLine() async throws {
        guard ArtyCommandRunner.binary != nil else {
            Issue.record("the arty binary is not built; run `swift build` first")
            return
        }
        let env = ["HOME": scratchPath("home")]
        let level = try await ArtyCommandRunner.run(["serve", "--data", scratchPath("d"), "--log-level", "loud"], environment: env)
        #expect(level.status == 2)
        #expect(level.stderr.contains("--log-level must be one of trace, debug, info, notice, warning, error, critical"), "\(level.stderr)")
        let unwritable = scratchPath("no/such/dir/access.log")
        let log = try await ArtyCommandRunner.run(["serve", "--data", scratchPath("d"), "--access-log", unwritable], environment: env)
        #expect(log.status == 1)
        #expect(log.stderr == "arty serve: cannot open access log '\(unwritable)': no such file or directory\n", "\(log.stderr)")
    }

    // MARK: check and gc

    /// The files under `blobs/` (relative path → bytes).
    static func snapshot(_ dir: URL) -> [String: Data] {
        var files: [String: Data] = [:]
        let root = dir.appendingPathComponent("blobs").path
        for rel in FileManager.default.enumerator(atPath: root)?.allObjects as? [String] ?? [] {
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: root + "/" + rel, isDirectory: &isDir), !isDir.boolValue {
                files[rel] = FileManager.default.contents(atPath: root + "/" + rel)
            }
        }
        return files
    }

    /// The blob file holding `text`.
    static func blob(holding text: String, in dir: URL) throws -> URL {
        let rel = try #require(snapshot(dir).first { $0.value == Data(text.utf8) }?.key, "no blob holds '\(text)'")
        return dir.appendingPathComponent("blobs").appendingPathComponent(rel)
    }

    @Test func checkReportsACorruptAndAMissingBlobChangesNothingAndRepairQuarantines() async throws {
        guard ArtyCommandRunner.binary != nil else {
            Issue.record("the arty binary is not built; run `swift build` first")
            return
        }
        let r = try await SeededRegistry.start(apiKey: "check-key", artifacts: [
            ("cats", ["a.txt": "alpha bytes", "b.txt": "bravo bytes", "sub/c.txt": "charlie bytes"], ["prod"]),
        ])
        await r.registry.stop()
        let dir = r.registry.dataDirectory
        let env = ["HOME": r.home, "PATH": "/usr/bin:/bin"]
        let clean = try await ArtyCommandRunner.run(["registry", "check", "--data", dir.path], environment: env)
        #expect(clean.status == 0, "\(clean.all)")
        #expect(clean.stdout == "checked 3 blobs and 3 assets: no problems\n")

        let corrupt = try Self.blob(holding: "alpha bytes", in: dir)
        try Data("alpha BYTES".utf8).write(to: corrupt)  // same size, other bytes
        let gone = try Self.blob(holding: "bravo bytes", in: dir)
        try FileManager.default.removeItem(at: gone)
        let before = Self.snapshot(dir)

        let found = try await ArtyCommandRunner.run(["registry", "check", "--data", dir.path], environment: env)
        #expect(found.status == 1, "\(found.all)")
        let ws = r.workspace
        let corruptPath = "blobs/" + corrupt.path.dropFirst(dir.appendingPathComponent("blobs").path.count + 1)
        #expect(found.stdout.contains("corrupt blob \(corruptPath): content sha256 is "), "\(found.stdout)")
        #expect(found.stdout.contains("used by \(ws)/cats:1.0.0 a.txt"), "\(found.stdout)")
        #expect(found.stdout.contains("missing blob \(gone.lastPathComponent) of \(ws)/cats:1.0.0 b.txt"), "\(found.stdout)")
        #expect(!found.stdout.contains("c.txt"))
        #expect(found.stdout.hasSuffix("checked 2 blobs and 3 assets: 2 problems\n"), "\(found.stdout)")
        #expect(Self.snapshot(dir) == before)
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("quarantine").path))

        let json = try await ArtyCommandRunner.run(["registry", "check", "--data", dir.path, "--json"], environment: env)
        #expect(json.status == 1)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let problems = try #require(report["problems"] as? [[String: Any]])
        #expect(problems.map { $0["kind"] as? String } == ["corruptBlob", "missingBlob"])
        #expect(problems.first?["blob"] as? String == corrupt.lastPathComponent)
        #expect(((problems.last?["asset"] as? [String: Any])?["logicalPath"]) as? String == "b.txt")
        #expect(Self.snapshot(dir) == before)

        let repaired = try await ArtyCommandRunner.run(["registry", "check", "--data", dir.path, "--repair"], environment: env)
        #expect(repaired.status == 1)
        let moved = dir.appendingPathComponent("quarantine").appendingPathComponent(corrupt.lastPathComponent)
        #expect(FileManager.default.contents(atPath: moved.path) == Data("alpha BYTES".utf8))
        #expect(!FileManager.default.fileExists(atPath: corrupt.path))
        #expect(repaired.stdout.contains("quarantined "), "\(repaired.stdout)")
        #expect(repaired.stdout.contains("asset without bytes: \(ws)/cats:1.0.0 a.txt"), "\(repaired.stdout)")
        #expect(repaired.stdout.contains("asset without bytes: \(ws)/cats:1.0.0 b.txt"), "\(repaired.stdout)")
        #expect(Self.snapshot(dir).count == 1)  // only sub/c.txt's blob is left; no row was deleted:
        let after = try await ArtyCommandRunner.run(["registry", "check", "--data", dir.path], environment: env)
        #expect(after.status == 1)
        #expect(after.stdout.hasSuffix("checked 1 blob and 3 assets: 2 problems\n"), "\(after.stdout)")
        #expect(!after.stdout.contains("corrupt"))

        let empty = scratchPath("not-a-registry")
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        for command in ["check", "gc"] {
            let refused = try await ArtyCommandRunner.run(["registry", command, "--data", empty], environment: env)
            #expect(refused.status == 1)
            #expect(refused.stderr == "arty registry \(command): '\(empty)' is not an arty registry (no registry.sqlite and blobs/ in it)\n")
            #expect(try FileManager.default.contentsOfDirectory(atPath: empty).isEmpty)
        }
    }

    @Test func gcRemovesOnlyUnreferencedBlobsAndStaleTemporaryFiles() async throws {
        guard ArtyCommandRunner.binary != nil else {
            Issue.record("the arty binary is not built; run `swift build` first")
            return
        }
        let key = "gc-key"
        let files = ["a.txt": "alpha", "deep/b.bin": "bravo bravo", "same.txt": "alpha"]  // two assets share a blob
        let r = try await SeededRegistry.start(apiKey: key, artifacts: [("cats", files, []), ("dogs", ["x.txt": "x-ray"], [])])
        let dir = r.registry.dataDirectory
        let env = ["HOME": r.home, "PATH": "/usr/bin:/bin"]
        let busy = try await ArtyCommandRunner.run(["registry", "gc", "--data", dir.path], environment: env)
        #expect(busy.status == 1)
        #expect(busy.stderr.contains("is being served"), "\(busy.all)")
        await r.registry.stop()

        let orphanName = "dead" + String(repeating: "0", count: 60)
        let orphan = dir.appendingPathComponent("blobs/de/ad/\(orphanName)")
        try FileManager.default.createDirectory(at: orphan.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data("orphan".utf8).write(to: orphan)
        let stale = dir.appendingPathComponent("tmp/stale.part")
        try Data("half an upload".utf8).write(to: stale)
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-7200)], ofItemAtPath: stale.path)
        let fresh = dir.appendingPathComponent("tmp/fresh.part")
        try Data("in flight".utf8).write(to: fresh)
        let before = Self.snapshot(dir)
        #expect(before.count == 4)

        let dry = try await ArtyCommandRunner.run(["registry", "gc", "--data", dir.path, "--dry-run"], environment: env)
        #expect(dry.status == 0, "\(dry.all)")
        #expect(dry.stdout == "would remove blobs/de/ad/\(orphanName) (6 bytes)\nwould remove tmp/stale.part (14 bytes)\n"
            + "would free 20 bytes in 2 files\n")
        #expect(Self.snapshot(dir) == before)
        #expect(FileManager.default.fileExists(atPath: stale.path))

        let gc = try await ArtyCommandRunner.run(["registry", "gc", "--data", dir.path], environment: env)
        #expect(gc.status == 0, "\(gc.all)")
        #expect(gc.stdout == "removed blobs/de/ad/\(orphanName) (6 bytes)\nremoved tmp/stale.part (14 bytes)\nfreed 20 bytes in 2 files\n")
        var expected = before
        expected["de/ad/\(orphanName)"] = nil
        #expect(Self.snapshot(dir) == expected)
        #expect(!FileManager.default.fileExists(atPath: stale.path))
        #expect(FileManager.default.fileExists(atPath: fresh.path))

        // Every asset still downloads byte-identical from the collected directory.
        let again = try await LocalRegistry.start(RegistryConfiguration(dataDirectory: dir, apiKey: key))
        defer { Task { await again.stop() } }
        let check = try await ArtyCommandRunner.run(["registry", "check", "--data", dir.path], environment: env)
        #expect(check.status == 0, "\(check.all)")
        for (artifact, content) in [("cats", files), ("dogs", ["x.txt": "x-ray"])] {
            let out = scratchPath("dl-\(artifact)")
            let download = try await ArtyCommandRunner.run(
                ["download", "\(r.workspace)/\(artifact):1.0.0", out],
                environment: r.environment(apiKey: key, extra: ["COMET_URL_OVERRIDE": again.urlOverride]))
            #expect(download.status == 0, "\(download.all)")
            for (path, text) in content {
                #expect(FileManager.default.contents(atPath: out + "/" + path) == Data(text.utf8), "\(artifact) \(path)")
            }
        }
    }
}
