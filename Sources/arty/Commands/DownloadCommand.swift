import ArgumentParser
import CometAPI
import Foundation

/// `arty download WORKSPACE/ARTIFACT[:VERSION|ALIAS] [DIR]`: downloads a version's local assets.
struct Download: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "download",
        abstract: "Download the local assets of an artifact version.",
        discussion: """
            An alias (or no version, meaning latest) is resolved to one concrete version first. Files are streamed \
            to NAME.part, resumed after a dropped connection, checked against the expected size (and checksum when \
            known) and renamed into place. Remote assets are not fetched unless --include-remote is given: they are \
            listed and written to remote-assets.json beside the files. --include-remote fetches s3:// objects (a \
            prefix becomes one file per object under the asset's logical path) with the AWS credentials of the \
            environment (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/AWS_SESSION_TOKEN, AWS_PROFILE with \
            ~/.aws/credentials and ~/.aws/config, AWS_ENDPOINT_URL_S3 for S3-compatible stores), with the same \
            resume and verification (size; MD5 of a single-part ETag); --include-remote=https also fetches web \
            links; gs:// links are never fetched. Logical paths and object keys that would leave DIR are refused. \
            What arty wrote is recorded in DIR/.arty/downloads.json: a file still as arty left it is kept with no \
            transfer when it already holds the asset, and replaced when it holds an older one (under fail too; \
            preserve keeps it); a file changed since is handled by --overwrite. \
            Exit status: 0 when every file is in place, 1 on any failure, 2 for a usage error.
            """
    )

    @Argument(help: ArgumentHelp("The version to download.", valueName: "workspace/artifact[:version|alias]"))
    var reference: String

    @Argument(help: ArgumentHelp("Destination folder (default: ./ARTIFACT-VERSION, the concrete version, as the browser proposes; "
                                 + "[download] folder in the config file moves it to FOLDER/ARTIFACT-VERSION).",
                                 valueName: "dir"))
    var directory: String?

    @Option(name: .long, help: ArgumentHelp("Only assets whose logical path matches this glob (repeatable).", valueName: "glob"))
    var include: [String] = []

    @Option(name: .long, help: ArgumentHelp("Leave out assets whose logical path matches this glob (repeatable).", valueName: "glob"))
    var exclude: [String] = []

    @Option(name: .long, help: ArgumentHelp("Only the asset with this logical path (repeatable; a path the version does not hold is an error).",
                                            valueName: "path"))
    var asset: [String] = []

    @Option(name: .long, help: ArgumentHelp("When a file exists: fail (identical content is accepted), preserve or overwrite.",
                                            valueName: "fail|preserve|overwrite"))
    var overwrite: String = "fail"

    @Option(name: .long, help: ArgumentHelp("Transfers at once, fixed (default: [download] parallel in the config file, else adaptive: "
                                            + "more while throughput grows, fewer on 429/503, up to \(TransferParallelism.defaultCap)).",
                                            valueName: "n"))
    var parallel: Int?

    @Option(name: .customLong("include-remote"),
            help: ArgumentHelp("Also fetch remote assets: s3 (the default when given alone) or https (S3 and web links).",
                               valueName: "s3|https"))
    var includeRemote: String?

    @Flag(name: .long, help: "Print the summary as JSON.")
    var json = false

    @OptionGroup var readOnly: ReadOnlyOption
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var config: ConfigOption

    func validate() throws {
        guard OverwriteStrategy(argument: overwrite) != nil else {
            throw ValidationError("--overwrite must be fail, preserve or overwrite.")
        }
        if let parallel, parallel < 1 { throw ValidationError("--parallel must be at least 1.") }
        if let includeRemote {
            do { _ = try RemoteFetchScope(argument: includeRemote) } catch { throw ValidationError(error.description) }
        }
        if let directory, directory.unicodeScalars.contains("\u{FFFD}") {
            // The shell passed bytes that are not UTF-8; Swift's arguments replace them with U+FFFD,
            // so writing there would silently create a differently named folder.
            throw ValidationError("The destination folder's name is not valid UTF-8 (or contains U+FFFD); arty cannot name it exactly.")
        }
    }

    func run() async throws {
        let settings = try config.load()
        try await runAction {
            let ref = try parseReference(reference)
            let client = try await makeClient(connection)
            let scope = try includeRemote.map { try RemoteFetchScope(argument: $0) } ?? .none
            let remote = scope.isEmpty ? nil : RemoteObjectFetcher.fromEnvironment(scope: scope)
            if scope.s3, remote?.s3 == nil {
                printError("Note: no AWS credentials (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE or ~/.aws/credentials): "
                           + "s3:// links are not fetched; they stay listed in \(DownloadPlan.remoteManifestName).")
            }
            let plan = try await ActionPlanning.planDownload(
                ref, destination: directory, include: include.map(GlobPattern.init), exclude: exclude.map(GlobPattern.init),
                assetPaths: asset.isEmpty ? nil : asset, remote: remote, defaultFolder: settings.downloadFolder, client: client)
            var options = DownloadOptions(parallelTransfers: parallel ?? settings.parallel, strategy: OverwriteStrategy(argument: overwrite)!)
            options.keepPartialFiles = true  // after Ctrl-C or a failed transfer, the same command resumes each .part
            let downloader = ArtifactDownloader(client: client, remote: remote, options: options)
            // Ctrl-C cancels the transfers (files already in place stay; no partial file ever has
            // its final name) and ends with one line and exit status 130.
            let progress = stderrProgress(enabled: !json)
            let work = Task { try await downloader.run(plan, progress: progress) }
            let interrupted = InterruptFlag()
            let watcher = Task {
                await SignalWaiter.waitForTermination()
                interrupted.set()
                work.cancel()
            }
            let summary = try await work.value
            watcher.cancel()
            endProgress(enabled: !json)
            if interrupted.isSet || summary.cancelled {
                printError("Interrupted: \(summary.downloaded.count + summary.kept.count) of \(Plural.count(plan.entries.count, "file")) downloaded; run the same command again to resume.")
                throw ExitCode(130)
            }
            if json {
                print(jsonText(summary))
            } else {
                print(Self.text(summary, plan: plan))
            }
            if !summary.succeeded {
                if !json { for f in summary.failed { printError("Error: \(f.path): \(f.reason)") } }
                throw ExitCode(1)
            }
        }
    }

    /// The human summary.
    static func text(_ s: DownloadSummary, plan: DownloadPlan) -> String {
        var lines = ["\(s.workspace)/\(s.artifact):\(s.version) → \(s.destination)",
                     "\(s.downloaded.count) downloaded, \(s.kept.count) kept"
                     + (s.unchanged.isEmpty ? "" : " (\(s.unchanged.count) already up to date)")
                     + ", \(s.failed.count) failed, \(Listing.byteCount(s.bytesTransferred)) transferred"
                     + (s.bytesCompared > 0 ? " (\(Listing.byteCount(s.bytesCompared)) fetched to compare with existing files)" : "")]
        if plan.excludedCount > 0 { lines.append("\(plan.excludedCount) left out by --include/--exclude") }
        if !s.remote.isEmpty {
            lines.append("Remote assets (not downloaded; listed in \(s.remoteManifest ?? DownloadPlan.remoteManifestName)):")
            lines += s.remote.map { "  \($0.logicalPath)  \($0.link)" }
        }
        return lines.map(TerminalText.escape).joined(separator: "\n")
    }
}

/// Set once when SIGINT or SIGTERM arrived.
final class InterruptFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    func set() { lock.lock(); value = true; lock.unlock() }
    var isSet: Bool { lock.lock(); defer { lock.unlock() }; return value }
}
