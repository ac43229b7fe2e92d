import ArtifactRegistry
import CometAPI
import Foundation
import Testing

/// The asset preview (issue 13) with the real binary against an in-process local registry holding
/// a version logged from a folder: `p` shows a CSV as columns in tmux, and `arty cat` writes the
/// raw bytes (all, or `--bytes N`), refusing a remote asset.
@Suite(.enabled(if: TmuxSession.isAvailable && ArtyBinary.path != nil, "needs tmux and a built arty binary"), .serialized)
struct PreviewEndToEndTests {
    static let iris = """
        sepal_length,sepal_width,petal_length,petal_width,species
        5.1,3.5,1.4,0.2,setosa
        4.9,3.0,1.4,0.2,setosa
        7.0,3.2,4.7,1.4,versicolor
        6.3,3.3,6.0,2.5,virginica

        """
    static let blob: [UInt8] = (0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 >> 9) }

    struct Fixture {
        var registry: LocalRegistry
        var directory: URL
        var version: String
        var workspace: String { LocalRegistry.defaultUserName }
        var reference: String { "\(workspace)/previewed:\(version)" }

        static func start() async throws -> Fixture {
            try await start(artifact: "previewed", files: [("data/iris.csv", Data(iris.utf8)), ("blob.bin", Data(blob))],
                            remoteLinks: ["s3://bucket/raw/archive.tar.gz"])
        }

        /// An in-process registry holding `WORKSPACE/artifact:VERSION`, logged from a folder of
        /// `files` (relative path, bytes) and `remoteLinks`.
        static func start(artifact: String, files: [(String, Data)], remoteLinks: [String] = []) async throws -> Fixture {
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("arty-e2e-\(UUID().uuidString)")
            let folder = dir.appendingPathComponent("folder")
            for (path, bytes) in files {
                let url = folder.appendingPathComponent(path)
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try bytes.write(to: url)
            }
            let registry = try await LocalRegistry.start(.init(dataDirectory: dir.appendingPathComponent("registry")))
            let client = CometClient(configuration: try CometConfiguration(apiKey: registry.apiKey, urlOverride: registry.urlOverride))
            let log = try FolderLog.prepare(directory: folder.path, workspace: LocalRegistry.defaultUserName, artifactName: artifact,
                                            artifactType: "dataset", remoteLinks: remoteLinks)
            let created = try await VersionCopier(client: client).log(log)
            return Fixture(registry: registry, directory: dir, version: created.version)
        }

        var environment: [String: String] {
            ["COMET_URL_OVERRIDE": registry.urlOverride, "COMET_API_KEY": registry.apiKey, "HOME": directory.path,
             "COMET_ERROR_TRACKING_ENABLE": "false", "COMET_WORKSPACE": workspace]
        }

        /// Runs `arty ARGS`: exit status, stdout bytes, stderr text.
        func arty(_ args: [String]) throws -> (status: Int32, stdout: Data, stderr: String) {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: ArtyBinary.path!)
            process.arguments = args
            process.environment = environment.merging(["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin"]) { a, _ in a }
            let out = directory.appendingPathComponent("stdout-\(UUID().uuidString)")
            let err = directory.appendingPathComponent("stderr-\(UUID().uuidString)")
            _ = FileManager.default.createFile(atPath: out.path, contents: nil)
            _ = FileManager.default.createFile(atPath: err.path, contents: nil)
            process.standardOutput = try FileHandle(forWritingTo: out)
            process.standardError = try FileHandle(forWritingTo: err)
            process.standardInput = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            return (process.terminationStatus, try Data(contentsOf: out), String(decoding: try Data(contentsOf: err), as: UTF8.self))
        }

        func stop() async {
            await registry.stop()
            try? FileManager.default.removeItem(at: directory)
        }
    }

    @Test func pShowsACSVAsColumns() async throws {
        let f = try await Fixture.start()
        defer { Task { await f.stop() } }
        let tmux = try TmuxSession([ArtyBinary.path!, "browse"], width: 100, height: 30, environment: f.environment,
                                   directory: f.directory.path)
        try await tmux.waitFor("previewed")
        try tmux.send("/")
        try tmux.type("previewed")
        try tmux.send("Enter", "Enter")
        try await tmux.waitFor("Versions (1)", f.version)
        try tmux.send("Enter")
        try await tmux.waitFor("Assets (3)", "data/iris.csv")
        try tmux.send("/")
        try tmux.type("iris")
        try tmux.send("Enter", "p")
        let screen = try await tmux.waitFor("data/iris.csv · CSV · 4 rows × 5 columns", "sepal_length  sepal_width  petal_length")
        // Aligned columns: numbers right-aligned under their headers, one row per record.
        #expect(screen.contains("5.1          3.5           1.4          0.2  setosa"))
        #expect(screen.contains("6.3          3.3           6.0          2.5  virginica"))
        #expect(screen.contains("w wrap"))
        try tmux.send("Escape")
        try await tmux.waitFor("Assets (1/3)")
        try tmux.send("q")
        try await tmux.waitForExit()
    }

    @Test func catWritesRawBytesAndRefusesRemoteAssets() async throws {
        let f = try await Fixture.start()
        defer { Task { await f.stop() } }
        let whole = try f.arty(["cat", f.reference, "blob.bin"])
        #expect(whole.status == 0, "\(whole.stderr)")
        #expect([UInt8](whole.stdout) == Self.blob)

        let csv = try f.arty(["cat", "\(f.workspace)/previewed", "data/iris.csv"])  // no version: latest
        #expect(String(decoding: csv.stdout, as: UTF8.self) == Self.iris)

        let five = try f.arty(["cat", f.reference, "blob.bin", "--bytes", "5"])
        #expect(five.status == 0)
        #expect([UInt8](five.stdout) == Array(Self.blob.prefix(5)))

        let remote = try f.arty(["cat", f.reference, "archive.tar.gz"])
        #expect(remote.status == 1)
        #expect(remote.stdout.isEmpty)
        #expect(remote.stderr.contains("s3://bucket/raw/archive.tar.gz"))
        #expect(remote.stderr.contains("remote"))

        let missing = try f.arty(["cat", f.reference, "nope.csv"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("nope.csv"))
    }
}
