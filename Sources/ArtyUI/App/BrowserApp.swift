import CometAPI
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Opens the full-screen browser on `service` and returns when the user quits.
///
/// The UI loop runs on a dedicated thread (never on the Swift concurrency pool): it sleeps in
/// `poll(2)` on stdin and on a self-pipe, and wakes on a key, a finished effect (a load task
/// writes to the pipe), a resize (SIGWINCH interrupts `poll`; ncurses queues `KEY_RESIZE`), or a
/// tick (100 ms while something loads, 1 s otherwise). Network calls run as Swift tasks.
///
/// - Throws: ``TerminalError`` when stdin/stdout is not a terminal or `TERM` is dumb.
public func runBrowser(service: any ArtifactReading, context: BrowserContext) async throws {
    var adjusted = context
    adjusted.canWrite = context.canWrite && (service as? any ArtifactWriting) != nil
    adjusted.canDownload = context.canDownload && (service as? any AssetDownloading) != nil
    adjusted.canPreview = context.canPreview && (service as? any AssetPrefixReading) != nil
    adjusted.readsLineage = context.readsLineage && (service as? any LineageReading) != nil
    let context = adjusted
    try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
        let thread = Thread {
            do {
                try BrowserApp(service: service, context: context).run()
                continuation.resume()
            } catch {
                continuation.resume(throwing: error)
            }
        }
        thread.name = "arty-ui"
        thread.start()
    }
}

/// Actions posted by background tasks for the UI loop, plus the self-pipe that wakes it.
final class Inbox: @unchecked Sendable {
    private let lock = NSLock()
    private var pending: [Action] = []
    let readFD: Int32
    let writeFD: Int32

    init() {
        var fds: [Int32] = [0, 0]
        _ = pipe(&fds)
        readFD = fds[0]
        writeFD = fds[1]
        for fd in fds { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
    }

    deinit {
        close(readFD)
        close(writeFD)
    }

    /// Queues `action` and wakes the loop. Callable from any thread. A job's progress replaces
    /// its older report still queued, so a slow loop never falls behind on stale progress.
    func post(_ action: Action) {
        lock.withLock {
            if case .jobUpdated(let id, _) = action,
               let i = pending.firstIndex(where: { if case .jobUpdated(id, _) = $0 { true } else { false } }) {
                pending[i] = action
            } else {
                pending.append(action)
            }
        }
        var byte: UInt8 = 1
        _ = write(writeFD, &byte, 1)
    }

    /// Takes every queued action and empties the pipe.
    func drain() -> [Action] {
        var buffer = [UInt8](repeating: 0, count: 256)
        while read(readFD, &buffer, buffer.count) > 0 {}
        return lock.withLock {
            defer { pending.removeAll() }
            return pending
        }
    }
}

/// The UI loop: keys and effect results → ``reduce(_:_:)`` → effects and ``render(_:size:)`` → ``Terminal``.
final class BrowserApp {
    let service: any ArtifactReading
    let context: BrowserContext
    let inbox = Inbox()
    private var tasks: [Int: Task<Void, Never>] = [:]
    /// Background jobs by job id (downloads, bumps).
    private var jobTasks: [Int: Task<Void, Never>] = [:]

    /// Reads remote assets' `s3://` links (nil client without AWS credentials).
    let inspector: RemoteAssetInspector

    init(service: any ArtifactReading, context: BrowserContext,
         inspector: RemoteAssetInspector = RemoteAssetInspector.fromEnvironment()) {
        self.service = service
        var context = context
        context.readsRemoteStores = inspector.s3 != nil
        self.context = context
        self.inspector = inspector
    }

    /// Fetches S3 objects for downloads that include them (the dialog's `r`); web links never.
    var remoteFetcher: RemoteObjectFetcher? {
        inspector.s3.map { RemoteObjectFetcher(s3: $0, web: $0.transport, scope: RemoteFetchScope(s3: true)) }
    }

    static func nowMillis() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

    /// The shortest time between two frames drawn only for job progress: 100 ms.
    static let progressFrameMillis: Int64 = 100

    /// Cancels the jobs still running at quit and waits (at most `seconds`) for them to clean up
    /// their partial files, so quitting never leaves `.part` files behind.
    /// - Returns: false when some job had not finished by then.
    @discardableResult
    static func cancelAndWait(_ jobs: [Task<Void, Never>], seconds: Double) -> Bool {
        guard !jobs.isEmpty else { return true }
        let done = DispatchSemaphore(value: 0)
        for job in jobs {
            job.cancel()
            Task {
                await job.value
                done.signal()
            }
        }
        let deadline = DispatchTime.now() + seconds
        for _ in jobs where done.wait(timeout: deadline) == .timedOut { return false }
        return true
    }

    func run() throws {
        let terminal = try Terminal(theme: context.config.theme, mouse: context.config.mouse)
        defer {
            for task in tasks.values { task.cancel() }
            terminal.close()
            // Cancelled transfers stop at once; 10 s covers deleting their `.part` files on a busy machine.
            if !BrowserApp.cancelAndWait(Array(jobTasks.values), seconds: 10) {
                FileHandle.standardError.write(Data("arty: a cancelled job was still cleaning up at exit; a NAME.part file may remain\n".utf8))
            }
        }
        var state = BrowserState(context: context, size: terminal.size, nowMillis: BrowserApp.nowMillis())
        var effects: [Effect]
        (state, effects) = start(state)
        var local: [Action] = []
        perform(effects, terminal: terminal, local: &local)
        var lastDraw: Int64 = 0
        var progressOnly = false
        while !state.quitRequested {
            // Job progress alone redraws at most every 100 ms (≤10 frames/s); keys and results at once.
            let now = BrowserApp.nowMillis()
            let frameDue = !progressOnly || now - lastDraw >= BrowserApp.progressFrameMillis
            if frameDue {
                terminal.draw(render(state, size: state.size))
                lastDraw = now
            }
            let busy = !state.jobs.isEmpty || state.listings.values.contains { $0.pendingRequest != nil }
                || state.preview?.requestID != nil
            let idle: Int64 = frameDue ? (busy ? 100 : 1000) : max(1, BrowserApp.progressFrameMillis - (now - lastDraw))
            wait(timeoutMillis: local.isEmpty ? Int32(idle) : 0)
            var actions = local
            local = []
            for key in terminal.readKeys() {
                if key == .resize { terminal.invalidate() }  // the content may be gone even at the same size
                actions.append(key == .resize ? .resized(terminal.size) : .key(key))
            }
            actions += inbox.drain()
            actions.append(.tick(nowMillis: BrowserApp.nowMillis()))
            if terminal.size != state.size { actions.append(.resized(terminal.size)) }
            progressOnly = actions.allSatisfy { action in
                switch action {
                case .jobUpdated, .tick: true
                default: false
                }
            } && actions.contains { if case .jobUpdated = $0 { true } else { false } }
            for action in actions {
                if case .loaded(_, let id, _) = action { tasks[id] = nil }
                if case .previewFetched(_, let id, _) = action { tasks[id] = nil }
                if case .jobFinished(let id, _) = action { jobTasks[id] = nil }
                (state, effects) = reduce(state, action)
                perform(effects, terminal: terminal, local: &local)
                if state.quitRequested { break }
            }
        }
    }

    /// Sleeps until stdin or the self-pipe is readable, a signal arrives, or the timeout passes.
    private func wait(timeoutMillis: Int32) {
        var fds = [pollfd(fd: 0, events: Int16(POLLIN), revents: 0),
                   pollfd(fd: inbox.readFD, events: Int16(POLLIN), revents: 0)]
        _ = poll(&fds, 2, timeoutMillis)
    }

    private func perform(_ effects: [Effect], terminal: Terminal, local: inout [Action]) {
        for effect in effects {
            switch effect {
            case .cancel(let id):
                tasks.removeValue(forKey: id)?.cancel()
            case .copyToClipboard(let text):
                local.append(.copied(text: text, ok: terminal.copyToClipboard(text)))
            case .loadAccount:
                let service = self.service, inbox = self.inbox
                Task {
                    let name = try? await service.accountDetails().userName
                    inbox.post(.accountLoaded(userName: name))
                }
            case .planDownload, .startDownload, .startBump, .cancelJob, .reviewLabels, .applyLabels, .compare:
                performAction(effect)
            case .inspectRemoteAssets(let assets):
                let inspector = self.inspector, inbox = self.inbox
                Task {
                    var facts: [String: RemoteAssetFacts?] = [:]
                    await withTaskGroup(of: (String, RemoteAssetFacts?).self) { group in
                        for asset in assets { group.addTask { (asset.assetId, await inspector.facts(for: asset)) } }
                        for await (id, fact) in group { facts[id] = fact }
                    }
                    inbox.post(.remoteFactsLoaded(facts))
                }
            case .loadLineage(let version):
                let service = self.service, inbox = self.inbox
                Task { inbox.post(.lineageLoaded(versionId: version.artifactVersionId, result: await BrowserApp.lineage(of: version, service: service))) }
            case .loadArtifactDates(let ws, let names):
                let service = self.service, inbox = self.inbox
                Task { inbox.post(.artifactDatesLoaded(workspace: ws, dates: await BrowserApp.artifactDates(ws, names, service: service))) }
            case .loadAssetCounts(let ws, let artifact, let versions):
                let service = self.service, inbox = self.inbox
                Task { inbox.post(.assetCountsLoaded(await BrowserApp.assetCounts(ws, artifact, versions, service: service))) }
            case .fetchPreview(let assetId, let versionId, let id):
                let service = self.service, inbox = self.inbox
                tasks[id] = Task {
                    let result = await BrowserApp.fetchPreview(assetId: assetId, artifactVersionId: versionId, service: service)
                    if Task.isCancelled { return }
                    inbox.post(.previewFetched(assetId: assetId, requestID: id, result: result))
                }
            default:
                guard let (key, id) = BrowserApp.request(effect) else { continue }
                let service = self.service, inbox = self.inbox
                tasks[id] = Task {
                    let result = await BrowserApp.load(key, service: service)
                    if Task.isCancelled { return }
                    inbox.post(.loaded(key, requestID: id, result: result))
                }
            }
        }
    }

    /// Runs the effects of the actions (issue 5) as tasks that post their results to the inbox.
    private func performAction(_ effect: Effect) {
        let service = self.service, inbox = self.inbox
        switch effect {
        case .planDownload(let ws, let artifact, let version, let assets, let destination, let includeRemote):
            let remote = includeRemote ? remoteFetcher : nil
            Task {
                let result = await BrowserApp.planDownload(ws, artifact, version, assets: assets, destination: destination,
                                                           remote: remote, service: service)
                inbox.post(.downloadPlanned(result, assets: assets))
            }
        case .startDownload(let id, let plan, let strategy):
            guard let client = service as? any AssetDownloading else { return }
            let remote = plan.entries.contains { $0.source != nil } ? remoteFetcher : nil
            let parallel = context.config.parallel  // nil: adaptive, as `arty download`
            jobTasks[id] = Task {
                let downloader = ArtifactDownloader(client: client, remote: remote,
                                                    options: DownloadOptions(parallelTransfers: parallel, strategy: strategy))
                let outcome: JobOutcome
                do {
                    let summary = try await downloader.run(plan) { inbox.post(.jobUpdated(id: id, progress: $0)) }
                    outcome = .download(summary, planned: plan.entries.count + plan.refused.count)
                } catch {
                    outcome = .failed(BrowserApp.describe(error))
                }
                inbox.post(.jobFinished(id: id, outcome: outcome))
            }
        case .startBump(let id, let ws, let artifact, let version, let kind, let withAliases):
            guard let client = service as? any ArtifactWriting else { return }
            jobTasks[id] = Task {
                let outcome: JobOutcome
                do {
                    let plan = try await BumpPlan.prepare(ArtifactReference(workspace: ws, artifact: artifact, selector: .version(version)),
                                                          kind: kind, withAliases: withAliases, client: client)
                    let created = try await VersionCopier(client: client).bump(plan) { inbox.post(.jobUpdated(id: id, progress: $0)) }
                    outcome = JobOutcome(status: .done, summary: "Created \(created.artifact):\(created.version) from \(version) "
                                                                 + "(\(Plural.count(created.localAssets, "file")), \(created.remoteAssets) remote)")
                } catch is CancellationError {
                    outcome = JobOutcome(status: .cancelled, summary: "Bump cancelled")
                } catch {
                    // The copier marks the asset it was copying as failed in its last report; the reducer names it.
                    outcome = Task.isCancelled ? JobOutcome(status: .cancelled, summary: "Bump cancelled")
                                               : .failed(BrowserApp.describe(error))
                }
                inbox.post(.jobFinished(id: id, outcome: outcome))
            }
        case .cancelJob(let id):
            jobTasks[id]?.cancel()
        case .reviewLabels(let ws, let artifact):
            Task {
                do {
                    inbox.post(.labelsReviewed(.success(try await service.artifactDetails(workspace: ws, name: artifact))))
                } catch {
                    inbox.post(.labelsReviewed(.failure(ActionFailure(BrowserApp.describe(error)))))
                }
            }
        case .applyLabels(let edit, let ws, let artifact, let refresh):
            guard let client = service as? any ArtifactWriting else { return }
            Task {
                do {
                    let outcome = try await LabelEditor.apply(edit, workspace: ws, artifactName: artifact, client: client)
                    inbox.post(.labelsApplied(StatusMessage(ActionText.labelsSaved(edit, outcome)), refresh: refresh))
                } catch {
                    inbox.post(.labelsApplied(StatusMessage("Could not save labels: \(BrowserApp.describe(error))", kind: .error),
                                              refresh: refresh))
                }
            }
        case .compare(let from, let to):
            Task {
                do {
                    async let old = service.assets(workspace: from.workspace, name: from.artifact, selector: .versionId(from.versionId))
                    async let new = service.assets(workspace: to.workspace, name: to.artifact, selector: .versionId(to.versionId))
                    let diff = VersionDiff.compare(from: from.version, old: try await old, to: to.version, new: try await new)
                    inbox.post(.compared(.success(diff)))
                } catch {
                    inbox.post(.compared(.failure(ActionFailure(BrowserApp.describe(error)))))
                }
            }
        default:
            break
        }
    }

    /// Plans a download (`artifacts/version`, `artifacts/version/files`, §2.5–2.6).
    static func planDownload(_ ws: String, _ artifact: String, _ version: String, assets: [String]?, destination: String,
                             remote: RemoteObjectFetcher? = nil, service: any ArtifactReading) async -> Result<DownloadPlan, ActionFailure> {
        do {
            return .success(try await ActionPlanning.planDownload(
                ArtifactReference(workspace: ws, artifact: artifact, selector: .version(version)),
                destination: ConfigFile.expandingHome(destination), assetPaths: assets, remote: remote, client: service))
        } catch {
            return .failure(ActionFailure(describe(error)))
        }
    }

    /// Fetches the first ``PreviewDocument/prefixBytes`` of an asset (`get-asset` with `Range`, §2.7).
    static func fetchPreview(assetId: String, artifactVersionId: String?, service: any ArtifactReading) async
        -> Result<AssetPrefix, ActionFailure> {
        guard let reader = service as? any AssetPrefixReading else { return .failure(ActionFailure("This connection cannot read files")) }
        do {
            return .success(try await reader.fetchAssetPrefix(assetId: assetId, artifactVersionId: artifactVersionId, experimentKey: "",
                                                              maxBytes: PreviewDocument.prefixBytes))
        } catch {
            return .failure(ActionFailure(describe(error)))
        }
    }

    /// Reads a version's lineage (``LineageReading/lineage(of:)``).
    static func lineage(of version: ArtifactVersion, service: any ArtifactReading) async -> Result<VersionLineage, ActionFailure> {
        guard let reader = service as? any LineageReading else { return .failure(ActionFailure("This connection cannot read lineage")) }
        do {
            return .success(try await reader.lineage(of: version))
        } catch {
            return .failure(ActionFailure(describe(error)))
        }
    }

    /// Requests at once for the columns' facts (dates, counts): at most 4, so a screen of rows does
    /// not flood the server.
    static let columnFactsConcurrency = 4

    /// Each artifact's newest version's `added` (`artifacts/get`, §2.4); nil where the read failed.
    static func artifactDates(_ ws: String, _ names: [String], service: any ArtifactReading) async -> [String: Int64?] {
        await concurrentMap(names) { name in try? await service.artifactDetails(workspace: ws, name: name).lastUpdatedMillis }
    }

    /// Each version's asset count (`artifacts/version/files`, §2.6), by version id; nil where the read failed.
    static func assetCounts(_ ws: String, _ artifact: String, _ versions: [ArtifactVersion], service: any ArtifactReading) async -> [String: Int?] {
        let counts = await concurrentMap(versions.map(\.artifactVersionId)) { id -> Int? in
            guard let v = versions.first(where: { $0.artifactVersionId == id }) else { return nil }
            return try? await service.assets(workspace: ws, name: artifact, selector: .version(v.version)).count
        }
        return counts
    }

    /// `body` for each key, ``columnFactsConcurrency`` at a time.
    static func concurrentMap<T: Sendable>(_ keys: [String], _ body: @escaping @Sendable (String) async -> T) async -> [String: T] {
        var result: [String: T] = [:]
        await withTaskGroup(of: (String, T).self) { group in
            var next = 0
            func add() {
                guard next < keys.count else { return }
                let key = keys[next]
                next += 1
                group.addTask { (key, await body(key)) }
            }
            for _ in 0..<columnFactsConcurrency { add() }
            for await (key, value) in group {
                result[key] = value
                add()
            }
        }
        return result
    }

    static func request(_ effect: Effect) -> (ListingKey, Int)? {
        switch effect {
        case .loadWorkspaces(let id): (.workspaces, id)
        case .loadArtifacts(let ws, let id): (.artifacts(workspace: ws), id)
        case .loadVersions(let ws, let a, let id): (.versions(workspace: ws, artifact: a), id)
        case .loadAssets(let ws, let a, let v, let vid, let id):
            (.assets(workspace: ws, artifact: a, version: v, versionId: vid), id)
        default: nil
        }
    }

    /// Runs one listing request against the service (Comet REST v2 §2.1, §2.3, §2.4, §2.6).
    static func load(_ key: ListingKey, service: any ArtifactReading) async -> LoadResult {
        do {
            switch key {
            case .workspaces:
                return .success(try await service.workspaces().map(Entry.workspace), artifact: nil)
            case .artifacts(let ws):
                return .success(try await service.artifacts(workspace: ws, type: nil).map(Entry.artifact), artifact: nil)
            case .versions(let ws, let a):
                let details = try await service.artifactDetails(workspace: ws, name: a)
                return .success(details.versions.map(Entry.version), artifact: details.artifact)
            case .assets(let ws, let a, let v, let vid):
                let selector: VersionSelector = vid.isEmpty ? .version(v) : .versionId(vid)
                return .success(try await service.assets(workspace: ws, name: a, selector: selector).map(Entry.asset), artifact: nil)
            }
        } catch {
            return .failure(describe(error))
        }
    }

    /// A one-line description of a failure for the pane and the status line.
    static func describe(_ error: any Error) -> String {
        if let localized = error as? any LocalizedError, let text = localized.errorDescription { return text }
        return String(describing: error)
    }
}
