import CometAPI
import Foundation

/// An in-memory ``ArtifactReading`` for tests, the dev harness (`arty browse --fake`) and
/// screenshots: a few workspaces with wide-character names, versions with aliases and states,
/// local and remote assets, an empty artifact, and a workspace whose listing always fails.
public struct FakeArtifactService: ArtifactReading {
    /// An error the fake throws, phrased like a server's.
    public struct FakeError: Error, CustomStringConvertible {
        public var description: String
    }

    /// Workspace name → its artifacts with versions and each version's assets (by version string).
    public var data: [String: [(details: ArtifactDetails, assets: [String: [Asset]])]]
    /// Workspace order as `GET workspaces` returns it.
    public var workspaceNames: [String]
    /// Workspaces whose artifact listing fails with HTTP 403.
    public var failingWorkspaces: Set<String>
    /// Delay before every answer, in milliseconds (0: answer at once).
    public var latencyMillis: Int
    public var userName: String
    /// The bytes of local assets by asset id, for the preview (``AssetPrefixReading``); an asset
    /// missing here answers "HTTP 404".
    public var contents: [String: [UInt8]] = [:]
    /// Every `maxBytes` asked of ``fetchAssetPrefix(assetId:artifactVersionId:experimentKey:maxBytes:)``,
    /// by asset id, in order (a class box so the struct stays a value; shared by its copies).
    public let prefixRequests = PrefixRequestLog()
    /// What `experiment/metadata` knows, by experiment key (``LineageReading``); other keys have a key alone.
    public var experiments: [String: ExperimentSummary] = [:]
    /// Consumers by version id (a version missing here has none); nil: the server cannot list
    /// consumers, as comet.com cannot.
    public var consumers: [String: [ExperimentSummary]]? = [:]
    /// Versions (by id) whose lineage read fails with "HTTP 500".
    public var failingLineage: Set<String> = []

    public init(data: [String: [(details: ArtifactDetails, assets: [String: [Asset]])]], workspaceNames: [String],
                failingWorkspaces: Set<String> = [], latencyMillis: Int = 0, userName: String = "alice") {
        self.data = data
        self.workspaceNames = workspaceNames
        self.failingWorkspaces = failingWorkspaces
        self.latencyMillis = latencyMillis
        self.userName = userName
    }

    private func pause() async throws {
        if latencyMillis > 0 { try await Task.sleep(nanoseconds: UInt64(latencyMillis) * 1_000_000) }
        try Task.checkCancellation()
    }

    public func accountDetails() async throws -> AccountDetails {
        try await pause()
        return AccountDetails(userName: userName, defaultWorkspaceName: workspaceNames.first)
    }

    public func workspaces() async throws -> [String] {
        try await pause()
        return workspaceNames
    }

    public func artifacts(workspace: String, type: String?) async throws -> [Artifact] {
        try await pause()
        if failingWorkspaces.contains(workspace) {
            throw FakeError(description: "HTTP 403 from artifacts/get-all: no access to workspace \(workspace)")
        }
        guard let list = data[workspace] else { throw FakeError(description: "HTTP 404: no workspace \(workspace)") }
        return list.map(\.details.artifact).filter { type == nil || $0.type == type }
    }

    public func artifactDetails(workspace: String, name: String) async throws -> ArtifactDetails {
        try await pause()
        guard let entry = data[workspace]?.first(where: { $0.details.artifact.name == name }) else {
            throw FakeError(description: "HTTP 404: no artifact \(workspace)/\(name)")
        }
        return entry.details
    }

    public func artifactVersion(workspace: String, name: String, selector: VersionSelector) async throws -> ArtifactVersion {
        let details = try await artifactDetails(workspace: workspace, name: name)
        guard let v = find(details, selector) else { throw FakeError(description: "HTTP 404: no version \(selector)") }
        return v
    }

    public func assets(workspace: String, name: String, selector: VersionSelector) async throws -> [Asset] {
        let details = try await artifactDetails(workspace: workspace, name: name)
        guard let v = find(details, selector),
              let entry = data[workspace]?.first(where: { $0.details.artifact.name == name }) else {
            throw FakeError(description: "HTTP 404: no version \(selector)")
        }
        return entry.assets[v.version] ?? []
    }

    private func find(_ details: ArtifactDetails, _ selector: VersionSelector) -> ArtifactVersion? {
        details.versions.first { v in
            switch selector {
            case .version(let s): v.version == s
            case .versionId(let id): v.artifactVersionId == id
            case .alias(let a): v.aliases.contains { $0.lowercased() == a.lowercased() }
            case .versionOrAlias(let s): v.version == s || v.aliases.contains(s)
            }
        }
    }

    /// "Now" the sample data is relative to: 2026-11-29 12:00 UTC, in epoch milliseconds.
    public static let sampleNowMillis: Int64 = 1_795_953_600_000

    /// The sample data set.
    public static func sample(latencyMillis: Int = 0) -> FakeArtifactService {
        let now = sampleNowMillis
        let day: Int64 = 86_400_000
        func version(_ id: String, _ v: String, aliases: [String] = [], tags: [String] = [], size: Int64,
                     daysAgo: Double, state: ArtifactVersionState = .closed, owner: String = "alice",
                     metadata: JSONValue? = nil) -> ArtifactVersion {
            ArtifactVersion(artifactVersionId: id, version: v, aliases: aliases, tags: tags, metadata: metadata,
                            sizeInBytes: size, state: state, owner: owner,
                            addedMillis: now - Int64(daysAgo * Double(day)), sourceExperimentKey: "exp" + id.prefix(8))
        }
        func asset(_ path: String, _ size: Int64, link: String? = nil, meta: JSONValue? = nil) -> Asset {
            Asset(assetId: "asset-" + path.replacingOccurrences(of: "/", with: "-"), logicalPath: path, size: size, link: link,
                  metadata: meta)
        }
        let mnistVersions = [
            version("5d9c0a3e1", "1.0.0", tags: ["raw"], size: 11_594_722, daysAgo: 120),
            version("77ab21f04", "1.1.0", size: 11_610_004, daysAgo: 64, owner: "bob"),
            version("9e0f33b27", "2.0.0", aliases: ["staging"], tags: ["normalized"], size: 12_038_119, daysAgo: 9,
                    metadata: .object(["normalized": .bool(true), "source": .string("yann.lecun.com")])),
            version("c41d7788a", "2.1.0", aliases: ["production", "latest"], tags: ["normalized", "v2"],
                    size: 12_040_551, daysAgo: 2,
                    metadata: .object(["rows": .number(70000), "split": .object(["train": .number(60000), "test": .number(10000)])])),
            version("e2a96b501", "2.2.0-rc.1", size: 0, daysAgo: 0.02, state: .open, owner: "bob"),
        ]
        let mnistAssets: [String: [Asset]] = [
            "2.1.0": [
                asset("data/train.csv", 9_912_422, meta: .object(["rows": .number(60000)])),
                asset("data/test.csv", 1_648_877),
                asset("images/sample_0.jpg", 24_051),
                asset("README.md", 1_204),
                asset("raw/mnist.tar.gz", 0, link: "s3://comet-demo/mnist/raw.tar.gz"),
            ],
            "2.0.0": [asset("data/train.csv", 9_910_000), asset("data/test.csv", 1_640_000)],
            "1.1.0": [asset("train.csv", 9_900_000)],
            "1.0.0": [asset("train.csv", 9_890_000)],
        ]
        let resnet = ArtifactDetails(
            artifact: Artifact(artifactId: "8b1e4c2d-0000-4a4a-9c9c-resnet50", name: "resnet50-🚀", type: "model",
                               latestVersion: "3.0.1", tags: ["vision", "pytorch"], sizeInBytes: 102_760_448),
            versions: [
                version("r1", "3.0.0", size: 51_380_224, daysAgo: 40),
                version("r2", "3.0.1", aliases: ["production"], size: 51_380_224, daysAgo: 35),
            ])
        let cafe = ArtifactDetails(
            artifact: Artifact(artifactId: "c0ffee00-1111-2222-3333-444455556666", name: "cafe\u{301}-données", type: "dataset",
                               latestVersion: "0.1.0", tags: ["fr"], sizeInBytes: 4_096),
            versions: [version("cf1", "0.1.0", size: 4_096, daysAgo: 3)])
        let cjk = ArtifactDetails(
            artifact: Artifact(artifactId: "4d2f0a1b-cjk0-4e4e-8f8f-000000000001", name: "模型权重-中文", type: "model",
                               latestVersion: "1.0.0", tags: ["中文"], sizeInBytes: 2_147_483_648),
            versions: [version("zh1", "1.0.0", aliases: ["最新"], size: 2_147_483_648, daysAgo: 1)])
        let empty = ArtifactDetails(
            artifact: Artifact(artifactId: "00000000-empty", name: "empty-artifact", type: "dataset", sizeInBytes: 0),
            versions: [])
        let mnist = ArtifactDetails(
            artifact: Artifact(artifactId: "3f0c2a9e-0d4b-4c57-9d43-1b2f6a7c8e11", name: "mnist-digits", type: "dataset",
                               latestVersion: "2.1.0", tags: ["images", "handwriting"], sizeInBytes: 47_282_796),
            versions: mnistVersions)
        let evil = ArtifactDetails(
            artifact: Artifact(artifactId: "e71e71e7", name: "evil\u{1B}[31mred\u{07}", type: "other",
                               latestVersion: "1.0.0", sizeInBytes: 10),
            versions: [version("ev1", "1.0.0", size: 10, daysAgo: 400)])
        var service = FakeArtifactService(
            data: [
                "mnist-team": [(mnist, mnistAssets), (resnet, ["3.0.1": [asset("model.pt", 51_380_224)]]), (cafe, [:]),
                               (empty, [:]), (evil, [:])],
                "研究チーム": [(cjk, ["1.0.0": [asset("权重/model.safetensors", 2_147_483_648)]])],
                "vision": [],
                "restricted": [],
            ],
            workspaceNames: ["mnist-team", "vision", "研究チーム", "restricted"],
            failingWorkspaces: ["restricted"],
            latencyMillis: latencyMillis)
        // A few files to preview (`p`); the others answer "HTTP 404", as a broken server would.
        service.experiments["expc41d7788"] = ExperimentSummary(experimentKey: "expc41d7788", experimentName: "train-mnist-v2",
                                                              projectName: "mnist", workspaceName: "mnist-team")
        service.consumers = ["c41d7788a": [
            ExperimentSummary(experimentKey: "eval0001", experimentName: "eval-nightly", projectName: "evaluation",
                              workspaceName: "mnist-team", addedMillis: now - day),
            ExperimentSummary(experimentKey: "eval0002", projectName: "evaluation", workspaceName: "mnist-team", addedMillis: now - 3_600_000),
        ]]
        service.contents["asset-README.md"] = Array("# MNIST digits\n\nHandwritten digits, 28×28 grey levels.\n\n- data/train.csv: 60,000 rows\n- data/test.csv: 10,000 rows\n".utf8)
        service.contents["asset-data-test.csv"] = Array(("label,pixel0,pixel1,pixel2,pixel3\n"
            + (0..<40).map { "\($0 % 10),\($0 * 3 % 256),\($0 * 7 % 256),0,\($0 * 11 % 256)" }.joined(separator: "\n") + "\n").utf8)
        return service
    }
}

/// The prefix reads a ``FakeArtifactService`` answered: asset id and `maxBytes`, in order.
public final class PrefixRequestLog: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [(assetId: String, maxBytes: Int)] = []
    public init() {}
    func append(_ assetId: String, _ maxBytes: Int) { lock.withLock { entries.append((assetId, maxBytes)) } }
    /// The reads so far, oldest first.
    public var all: [(assetId: String, maxBytes: Int)] { lock.withLock { entries } }
}

extension FakeArtifactService: AssetPrefixReading {
    /// At most `maxBytes` of ``contents``; the total is the whole content's size.
    public func fetchAssetPrefix(assetId: String, artifactVersionId: String?, experimentKey: String,
                                 maxBytes: Int) async throws -> AssetPrefix {
        try await pause()
        prefixRequests.append(assetId, maxBytes)
        guard let bytes = contents[assetId] else { throw FakeError(description: "HTTP 404: no asset \(assetId)") }
        return AssetPrefix(bytes: Data(bytes.prefix(max(0, maxBytes))), totalBytes: Int64(bytes.count), rangeHonoured: true)
    }
}

extension FakeArtifactService: LineageReading {
    public func experimentSummary(key: String) async throws -> ExperimentSummary {
        try await pause()
        return experiments[key] ?? ExperimentSummary(experimentKey: key)
    }

    public func versionConsumers(artifactVersionId: String) async throws -> [ExperimentSummary]? {
        try await pause()
        if failingLineage.contains(artifactVersionId) { throw FakeError(description: "HTTP 500: lineage of \(artifactVersionId)") }
        return consumers.map { $0[artifactVersionId] ?? [] }
    }
}
