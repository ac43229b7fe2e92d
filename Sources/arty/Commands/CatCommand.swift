import ArgumentParser
import CometAPI
import Foundation

/// `arty cat WORKSPACE/ARTIFACT[:VERSION|ALIAS] PATH [--bytes N]`: writes one local asset's bytes
/// (or its first N) to stdout, raw.
struct Cat: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cat",
        abstract: "Write an asset's bytes (or its first N) to stdout.",
        discussion: """
            The bytes are written raw, as cat does: pipe them or redirect them. With --bytes N at most the first N bytes \
            are fetched (a Range request; a server that ignores it has its transfer cut after N bytes). Without \
            --bytes the whole asset is streamed through a temporary file, never held in memory. A remote asset (a link) \
            is refused with its link: arty never fetches links. No version means latest. Exit status: 0 ok, 1 for a \
            missing or remote asset or a failed transfer, 2 for a usage error.
            """
    )

    @Argument(help: ArgumentHelp("The version holding the asset.", valueName: "workspace/artifact[:version|alias]"))
    var reference: String

    @Argument(help: ArgumentHelp("The asset's logical path.", valueName: "path"))
    var path: String

    @Option(name: .long, help: ArgumentHelp("Write at most the first N bytes.", valueName: "n"))
    var bytes: Int?

    @OptionGroup var connection: ConnectionOptions

    /// Largest `--bytes` read into memory with one range request (64 MiB); more streams through a file.
    static let memoryLimit = 64 << 20

    func validate() throws {
        if let bytes, bytes < 0 { throw ValidationError("--bytes must be 0 or more.") }
    }

    func run() async throws {
        try await runAction {
            let ref = try parseReference(reference)
            let client = try await makeClient(connection)
            let version = try await client.artifactVersion(workspace: ref.workspace, name: ref.artifact, selector: ref.selector ?? .latest)
            let assets = try await client.assets(workspace: ref.workspace, name: ref.artifact,
                                                 selector: .versionId(version.artifactVersionId))
            guard let asset = assets.first(where: { $0.logicalPath == path }) else {
                throw ActionError.noSuchAsset(path: path, version: "\(ref.workspace)/\(ref.artifact):\(version.version)")
            }
            if asset.isRemote {
                printError(TerminalText.escape("Error: \(path) is a remote asset, a link to \(asset.link ?? "?"); arty cat never fetches links."))
                throw ExitCode(1)
            }
            let out = FileHandle.standardOutput
            if let limit = bytes, limit <= Self.memoryLimit {
                let prefix = try await client.fetchAssetPrefix(assetId: asset.assetId, artifactVersionId: version.artifactVersionId,
                                                               maxBytes: limit)
                try out.write(contentsOf: prefix.bytes)
                return
            }
            try await Self.stream(asset, versionId: version.artifactVersionId, limit: bytes.map(Int64.init), client: client, to: out)
        }
    }

    /// Downloads the asset to a private temporary file, then copies (at most `limit` of) it to
    /// `out` in 1 MiB pieces; the file is removed afterwards, whatever happens.
    static func stream(_ asset: Asset, versionId: String, limit: Int64?, client: CometClient, to out: FileHandle) async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("arty-cat-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: false,
                                                attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("asset").path
        _ = try await client.downloadAsset(assetId: asset.assetId, artifactVersionId: versionId, to: file)
        guard let input = FileHandle(forReadingAtPath: file) else {
            throw CometAPIError.fileSystem(path: file, detail: "cannot read the downloaded asset", operation: "arty cat")
        }
        defer { try? input.close() }
        var left = limit ?? Int64.max
        while left > 0, let chunk = try input.read(upToCount: Int(min(left, 1 << 20))), !chunk.isEmpty {
            try out.write(contentsOf: chunk)
            left -= Int64(chunk.count)
        }
    }
}
