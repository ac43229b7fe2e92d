import Foundation

/// What `arty demo` seeds: pure data, built deterministically (same bytes on every run).
///
/// Several workspaces; dataset, model and image artifacts; several versions each with aliases
/// (`production`, `staging`, ...) and version tags; local files of varied sizes in nested
/// folders; remote `s3://`, `gs://` and `https://` links; one artifact with a wide (CJK) name,
/// and one version left OPEN to show an upload in progress.
public struct DemoPlan: Sendable, Equatable {
    /// One local file of a version: its logical path and its generated content.
    public struct File: Sendable, Equatable {
        public var logicalPath: String
        /// Size in bytes.
        public var size: Int
        /// `text` files hold CSV-like lines; others hold pseudo-random bytes.
        public var isText: Bool
        /// The file's bytes (deterministic for a logical path and size).
        public var contents: Data { DemoPlan.bytes(seed: logicalPath, size: size, text: isText) }
    }

    /// One version to create.
    public struct Version: Sendable, Equatable {
        /// Explicit version, or nil to let the registry pick the next major.
        public var version: String?
        public var aliases: [String]
        public var tags: [String]
        /// Version metadata as compact JSON text, or nil.
        public var metadata: String?
        public var files: [File]
        /// (logical path, URI) of remote assets.
        public var remotes: [Remote]
        /// Whether to close the version (false leaves it OPEN).
        public var close: Bool = true
    }

    /// A remote asset: listed, never downloaded.
    public struct Remote: Sendable, Equatable {
        public var logicalPath: String
        public var link: String
    }

    /// One artifact and its versions, in creation order.
    public struct Artifact: Sendable, Equatable {
        public var workspace: String
        public var name: String
        public var type: String
        public var tags: [String]
        public var versions: [Version]
    }

    public var artifacts: [Artifact]

    /// Names of the workspaces the plan writes to, in first-use order.
    public var workspaces: [String] {
        var seen = Set<String>()
        return artifacts.map(\.workspace).filter { seen.insert($0).inserted }
    }

    /// Total bytes of local files in the plan.
    public var totalBytes: Int { artifacts.flatMap(\.versions).flatMap(\.files).reduce(0) { $0 + $1.size } }

    /// The standard demo content. `defaultWorkspace` is the registry user's own workspace.
    public static func standard(defaultWorkspace: String = LocalRegistry.defaultUserName) -> DemoPlan {
        func f(_ path: String, _ size: Int, text: Bool = false) -> File { File(logicalPath: path, size: size, isText: text) }
        func r(_ path: String, _ link: String) -> Remote { Remote(logicalPath: path, link: link) }
        let catsV1 = (0..<6).map { f("images/train/cats/cat_\(String(format: "%03d", $0)).jpg", 2_000 + $0 * 7_919) }
            + (0..<6).map { f("images/train/dogs/dog_\(String(format: "%03d", $0)).jpg", 3_500 + $0 * 6_271) }
            + [f("labels.csv", 4_096, text: true), f("README.md", 812, text: true)]
        let catsV2 = catsV1 + (0..<4).map { f("images/val/mixed/img_\($0).jpg", 9_000 + $0 * 1_733) }
        return DemoPlan(artifacts: [
            Artifact(workspace: "vision-lab", name: "cats-vs-dogs", type: "dataset", tags: ["images", "classification"], versions: [
                Version(version: "1.0.0", aliases: ["production"], tags: ["raw"], metadata: #"{"images":12,"source":"demo"}"#,
                        files: catsV1, remotes: [r("raw/archive.tar.gz", "s3://arty-demo-bucket/cats-vs-dogs/archive.tar.gz")]),
                Version(version: "1.1.0", aliases: ["staging"], tags: ["cleaned"], metadata: #"{"images":16,"source":"demo"}"#,
                        files: catsV2, remotes: [r("raw/archive.tar.gz", "s3://arty-demo-bucket/cats-vs-dogs/archive-v2.tar.gz"),
                                                 r("LICENSE.txt", "https://example.com/datasets/cats-vs-dogs/LICENSE.txt")]),
                Version(version: nil, aliases: ["production", "latest-good"], tags: ["cleaned", "augmented"], metadata: nil,
                        files: catsV2 + [f("augment/config.json", 640, text: true)], remotes: []),
            ]),
            Artifact(workspace: "vision-lab", name: "resnet-classifier", type: "model", tags: ["pytorch"], versions: [
                Version(version: nil, aliases: [], tags: ["baseline"], metadata: #"{"accuracy":0.81,"epochs":10}"#,
                        files: [f("weights/model.safetensors", 1_048_576), f("config.json", 512, text: true)], remotes: []),
                Version(version: nil, aliases: ["staging"], tags: ["finetuned"], metadata: #"{"accuracy":0.87,"epochs":25}"#,
                        files: [f("weights/model.safetensors", 1_310_720), f("config.json", 540, text: true),
                                f("eval/confusion/matrix.csv", 2_048, text: true)],
                        remotes: [r("checkpoints/epoch-25.ckpt", "gs://arty-demo-models/resnet/epoch-25.ckpt")]),
                Version(version: "2.1.0", aliases: ["production"], tags: ["finetuned", "quantized"],
                        metadata: #"{"accuracy":0.869,"bits":8}"#,
                        files: [f("weights/model.int8.safetensors", 327_680), f("config.json", 560, text: true)], remotes: []),
            ]),
            Artifact(workspace: "vision-lab", name: "sample-images", type: "image", tags: [], versions: [
                Version(version: nil, aliases: ["production"], tags: ["thumbnails"], metadata: nil,
                        files: (0..<5).map { f("thumbs/\($0 % 2 == 0 ? "even" : "odd")/thumb_\($0).png", 700 + $0 * 1_500) }, remotes: []),
            ]),
            Artifact(workspace: "nlp-team", name: "wiki-corpus", type: "dataset", tags: ["text"], versions: [
                Version(version: "0.9.0", aliases: ["staging"], tags: ["sample"], metadata: #"{"language":"en"}"#,
                        files: (1...3).map { f("shards/en/\(String(format: "%05d", $0)).txt", 10_000 * $0, text: true) },
                        remotes: [r("full/en.jsonl.gz", "s3://arty-demo-corpora/wiki/en.jsonl.gz"),
                                  r("full/ja.jsonl.gz", "gs://arty-demo-corpora/wiki/ja.jsonl.gz")]),
                Version(version: "1.0.0", aliases: ["production"], tags: ["full"], metadata: #"{"language":"en"}"#,
                        files: (1...5).map { f("shards/en/\(String(format: "%05d", $0)).txt", 12_000 * $0, text: true) },
                        remotes: [r("full/en.jsonl.gz", "s3://arty-demo-corpora/wiki/en-2.jsonl.gz")]),
                Version(version: nil, aliases: [], tags: ["uploading"], metadata: nil,
                        files: [f("shards/en/00001.txt", 1_000, text: true)], remotes: [], close: false),
            ]),
            Artifact(workspace: "nlp-team", name: "多言語トークナイザー tokenizer", type: "model", tags: ["cjk"], versions: [
                Version(version: nil, aliases: ["production"], tags: ["v1"], metadata: #"{"vocab":32000}"#,
                        files: [f("tokenizer/vocab.txt", 65_536, text: true), f("tokenizer/merges.txt", 20_480, text: true)],
                        remotes: [r("docs/model-card.html", "https://example.com/models/tokenizer/card.html")]),
                Version(version: nil, aliases: ["staging"], tags: ["v2"], metadata: #"{"vocab":48000}"#,
                        files: [f("tokenizer/vocab.txt", 98_304, text: true), f("tokenizer/merges.txt", 30_720, text: true)],
                        remotes: []),
            ]),
            Artifact(workspace: defaultWorkspace, name: "quickstart", type: "dataset", tags: [], versions: [
                Version(version: nil, aliases: ["production"], tags: ["tiny"], metadata: nil,
                        files: [f("hello.txt", 13, text: true), f("empty.bin", 0), f("nested/a/b/c/deep.csv", 300, text: true)],
                        remotes: [r("remote/readme.md", "https://example.com/arty/readme.md")]),
            ]),
        ])
    }

    /// Deterministic content: CSV-like lines for text files, pseudo-random bytes otherwise.
    public static func bytes(seed: String, size: Int, text: Bool) -> Data {
        var state: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in seed.utf8 { state = (state ^ UInt64(byte)) &* 0x100_0000_01b3 }
        var out = Data(capacity: size)
        if text {
            var line = 0
            while out.count < size {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                out.append(contentsOf: "\(line),\(state >> 40),\(seed.split(separator: "/").last ?? "")\n".utf8)
                line += 1
            }
            return out.prefix(size)
        }
        while out.count < size {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            withUnsafeBytes(of: state.bigEndian) { out.append(contentsOf: $0) }
        }
        return out.prefix(size)
    }
}
