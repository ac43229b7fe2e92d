import ArgumentParser
import CometAPI
import Foundation

/// `arty diff REF REF [--json]`: compares the assets of two versions.
struct Diff: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Compare the assets of two artifact versions.",
        discussion: """
            Lists assets added, removed and changed (by size and checksum; remote assets by link), sorted by logical \
            path, and counts the unchanged ones. Files of the same size are called unchanged only when the server gives \
            checksums that match; without checksums (comet.com may give none) they are listed apart as "same size, \
            content not compared" (sameSizeNotCompared in --json). A REF without version means latest. \
            Exit status: 0 ok, 1 failure, 2 usage error.
            """
    )

    @Argument(help: ArgumentHelp("The older version.", valueName: "workspace/artifact[:version|alias]"))
    var from: String
    @Argument(help: ArgumentHelp("The newer version.", valueName: "workspace/artifact[:version|alias]"))
    var to: String

    @Flag(name: .long, help: "Print JSON.")
    var json = false

    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        try await runAction {
            let a = try parseReference(from)
            let b = try parseReference(to)
            let client = try await makeClient(connection)
            let va = try await ActionPlanning.resolveVersion(a, client: client)
            let vb = try await ActionPlanning.resolveVersion(b, client: client)
            let old = try await client.assets(workspace: a.workspace, name: a.artifact, selector: .version(va.version))
            let new = try await client.assets(workspace: b.workspace, name: b.artifact, selector: .version(vb.version))
            let sameArtifact = a.workspace == b.workspace && a.artifact == b.artifact
            let label = { (r: ArtifactReference, v: ArtifactVersion) in
                sameArtifact ? v.version : "\(r.workspace)/\(r.artifact):\(v.version)"
            }
            let diff = VersionDiff.compare(from: label(a, va), old: old, to: label(b, vb), new: new)
            if json { print(jsonText(diff)) } else { printLines(diff.lines) }
        }
    }
}
