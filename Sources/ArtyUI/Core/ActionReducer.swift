import CometAPI

/// The actions of issue 5 in the pure core: opening dialogs, their keys, job bookkeeping.
extension BrowserState {
    /// The workspace and artifact of the current pane, when it lists versions or assets.
    var artifactPath: (workspace: String, artifact: String)? {
        switch current.key {
        case .versions(let ws, let a), .assets(let ws, let a, _, _): (ws, a)
        default: nil
        }
    }

    /// The artifact and its versions as this session loaded them (`artifacts/get`, §2.4).
    func loadedDetails(workspace: String, artifact: String) -> ArtifactDetails? {
        let key = ListingKey.versions(workspace: workspace, artifact: artifact)
        guard let listing = listings[key], let entries = listing.entries else { return nil }
        let versions = entries.compactMap { if case .version(let v) = $0 { v } else { nil } }
        let summary = listing.artifact ?? artifactSummary(workspace: workspace, artifact: artifact)
        guard let summary else { return nil }
        return ArtifactDetails(artifact: summary, versions: versions)
    }

    func artifactSummary(workspace: String, artifact: String) -> Artifact? {
        for case .artifact(let a) in listings[.artifacts(workspace: workspace)]?.entries ?? [] where a.name == artifact { return a }
        return nil
    }

    /// The listings an edit of `artifact` changes (versions with their labels, the artifacts pane, open assets).
    func refreshKeys(workspace: String, artifact: String) -> [ListingKey] {
        var keys: [ListingKey] = [.artifacts(workspace: workspace), .versions(workspace: workspace, artifact: artifact)]
        keys += listings.keys.filter { if case .assets(workspace, artifact, _, _) = $0 { true } else { false } }
        return keys.filter { listings[$0] != nil }
    }

    /// The refusal for a mutating command, or nil when it may run.
    func refusal(_ command: Command) -> String? {
        guard Keymap.mutating.contains(command) else { return nil }
        if context.readOnly { return "Read-only session: aliases, tags and bumps are disabled (d still downloads)" }
        if !context.canWrite { return "This connection cannot write: aliases, tags and bumps are unavailable" }
        return nil
    }

    /// Runs an action key's command; `destination` is `:download DIR`'s folder (nil: the default).
    mutating func runAction(_ command: Command, destination: String? = nil) -> [Effect] {
        if let refusal = refusal(command) {
            message = StatusMessage(refusal)
            return []
        }
        let entry = selectedEntry(of: current)
        switch command {
        case .download:
            guard context.canDownload else {
                message = StatusMessage("This connection cannot download files")
                return []
            }
            if case .assets(let ws, let a, let v, _) = current.key {
                keepRange()
                let marked = markedPaths(in: current)
                let listed = Set((listings[current.key]?.entries ?? []).map(\.id))
                let paths = marked.filter(listed.contains).sorted()
                if !paths.isEmpty {
                    // Exactly the marked assets, as one job; remote links among them follow the dialog's `r`.
                    return [.planDownload(workspace: ws, artifact: a, version: v, assets: paths,
                                          destination: destination ?? context.config.downloadDestination(artifact: a, version: v))]
                }
            }
            switch (entry, current.key) {
            case (.artifact(let art)?, .artifacts(let ws)):
                // An artifact downloads its latest version; the dialog's title names it.
                guard let latest = art.latestVersion, !latest.isEmpty else {
                    message = StatusMessage("\(art.name) has no version yet: nothing to download")
                    return []
                }
                return [.planDownload(workspace: ws, artifact: art.name, version: latest, assets: nil,
                                      destination: destination ?? context.config.downloadDestination(artifact: art.name, version: latest))]
            case (.version(let v)?, .versions(let ws, let a)):
                return [.planDownload(workspace: ws, artifact: a, version: v.version, assets: nil,
                                      destination: destination ?? context.config.downloadDestination(artifact: a, version: v.version))]
            case (.asset(let asset)?, .assets(let ws, let a, let v, _)):
                // An s3:// link is fetched from the store with AWS credentials; other links never.
                let fetchable = asset.isRemote && context.readsRemoteStores && RemoteLinkKind(asset.link ?? "") == .s3
                guard !asset.isRemote || fetchable else {
                    let why = RemoteLinkKind(asset.link ?? "") == .s3 ? " (no AWS credentials to read S3)" : ""
                    message = StatusMessage("\(asset.logicalPath) is a remote asset (a link): nothing to download\(why)", kind: .error)
                    return []
                }
                return [.planDownload(workspace: ws, artifact: a, version: v, assets: [asset.logicalPath],
                                      destination: destination ?? context.config.downloadDestination(artifact: a, version: v), includeRemote: fetchable)]
            default:
                message = StatusMessage("Select an artifact, a version or an asset to download")
                return []
            }
        case .editAliases, .editTags:
            let kind: LabelKind
            var version: ArtifactVersion?
            let ws: String, a: String
            switch (entry, current.key) {
            case (.version(let v)?, .versions(let w, let n)):
                kind = command == .editAliases ? .alias : .versionTag
                version = v
                (ws, a) = (w, n)
            case (.artifact(let art)?, .artifacts(let w)) where command == .editTags:
                kind = .artifactTag
                (ws, a) = (w, art.name)
                let details = loadedDetails(workspace: w, artifact: art.name) ?? ArtifactDetails(artifact: art, versions: [])
                overlay = .labels(LabelDialog(kind: kind, workspace: ws, artifactName: a, details: details, version: nil))
                return []
            default:
                message = StatusMessage(command == .editAliases ? "Select a version to edit its aliases"
                                                                : "Select a version (version tags) or an artifact (artifact tags)")
                return []
            }
            guard let details = loadedDetails(workspace: ws, artifact: a) else {
                message = StatusMessage("The versions are still loading", kind: .error)
                return []
            }
            overlay = .labels(LabelDialog(kind: kind, workspace: ws, artifactName: a, details: details, version: version))
            return []
        case .bump:
            guard case .version(let v)? = entry, case .versions(let ws, let a) = current.key else {
                message = StatusMessage("Select a version to bump")
                return []
            }
            guard let details = loadedDetails(workspace: ws, artifact: a) else {
                message = StatusMessage("The versions are still loading", kind: .error)
                return []
            }
            guard v.semanticVersion != nil else {
                message = StatusMessage(ActionError.notSemantic(version: v.version).userMessage, kind: .error)
                return []
            }
            overlay = .bump(BumpDialog(workspace: ws, details: details, source: v))
            return []
        case .mark:
            guard case .version(let v)? = entry, case .versions(let ws, let a) = current.key else {
                message = StatusMessage("Select a version to mark it for comparing")
                return []
            }
            let mark = VersionMark(workspace: ws, artifact: a, version: v.version, versionId: v.artifactVersionId)
            marks.removeAll { $0.workspace != ws || $0.artifact != a }
            if marks.contains(mark) {
                marks.removeAll { $0 == mark }
                message = StatusMessage("Unmarked \(v.version)")
            } else {
                marks.append(mark)
                if marks.count > 2 { marks.removeFirst() }
                message = StatusMessage(marks.count == 2 ? "Marked \(marks[0].version) and \(marks[1].version): c compares"
                                                         : "Marked \(v.version): mark another (m) or select one, then c")
            }
            return []
        case .compare:
            var pair = marks
            if pair.count == 1, case .version(let v)? = entry, case .versions(let ws, let a) = current.key,
               v.version != pair[0].version, ws == pair[0].workspace, a == pair[0].artifact {
                pair.append(VersionMark(workspace: ws, artifact: a, version: v.version, versionId: v.artifactVersionId))
            }
            guard pair.count == 2 else {
                message = StatusMessage("Mark two versions with m, then c compares them")
                return []
            }
            // Older → newer when both are semantic versions.
            if let x = SemanticVersion(pair[0].version), let y = SemanticVersion(pair[1].version), y < x { pair.reverse() }
            message = StatusMessage("Comparing \(pair[0].version) → \(pair[1].version)…")
            marks = []  // the compare used them: the next one starts from fresh marks
            return [.compare(from: pair[0], to: pair[1])]
        case .jobs:
            overlay = .jobs(selected: 0)
            return []
        default:
            return []
        }
    }

    /// The status line while the download dialog re-plans with S3 objects (`r`).
    static let readingRemoteLinks = StatusMessage("Reading the S3 links to fetch…")

    /// `q`: quits, or asks first while jobs run.
    mutating func requestQuit() -> [Effect] {
        // A label write cut short can leave a moved alias on two versions: wait for it, unless asked twice.
        if labelWritesInFlight > 0, !quitWhenWritesFinish, overlay != .confirmQuit {
            quitWhenWritesFinish = true
            message = StatusMessage("Saving labels: arty quits once they are written (q again quits now)")
            return []
        }
        if jobs.isEmpty || overlay == .confirmQuit {
            quitRequested = true
            return jobs.map { .cancelJob(id: $0.id) }
        }
        overlay = .confirmQuit
        return []
    }

    /// Keys while an action overlay is open; returns nil for overlays this does not handle.
    mutating func handleActionOverlay(_ key: Key) -> [Effect]? {
        switch overlay {
        case .download(var d)?:
            if var field = d.destinationField {
                switch key {
                case .escape: d.destinationField = nil
                case .enter:
                    let trimmed = field.text.trimmingCharacters(in: .whitespaces)
                    d.destinationField = nil
                    d.planning = !trimmed.isEmpty
                    overlay = .download(d)
                    guard !trimmed.isEmpty else { return [] }
                    let p = d.plan
                    return [.planDownload(workspace: p.workspace, artifact: p.artifactName, version: p.version.version,
                                          assets: d.assets, destination: trimmed, includeRemote: d.includeRemote)]
                default:
                    if field.handle(key) { d.destinationField = field }
                }
                overlay = .download(d)
                return []
            }
            switch key {
            case .left, .right, .char("h"), .char("l"): d.focus = d.focus.toggled
            case .tab, .char("s"):
                let all = OverwriteStrategy.allCases
                d.strategy = all[(all.firstIndex(of: d.strategy)! + 1) % all.count]
            case .char("e"): d.editedDestination = d.plan.destination
            case .char("r"):
                guard context.readsRemoteStores else {
                    message = StatusMessage("Remote links are not fetched: no AWS credentials (see arty download --help)")
                    return []
                }
                d.includeRemote.toggle()
                d.planning = true
                overlay = .download(d)
                let p = d.plan
                message = d.includeRemote ? Self.readingRemoteLinks : StatusMessage("S3 links left out")
                return [.planDownload(workspace: p.workspace, artifact: p.artifactName, version: p.version.version,
                                      assets: d.assets, destination: p.destination, includeRemote: d.includeRemote)]
            case .escape, .char("q"), .char("n"):
                overlay = nil
                message = StatusMessage("Download cancelled; nothing was written")
                return []
            case .enter where d.focus == .cancel:
                overlay = nil
                message = StatusMessage("Download cancelled; nothing was written")
                return []
            case .enter, .char("y"):
                guard !d.planning else {
                    message = StatusMessage("Still planning the download with the new settings; confirm once the dialog shows them")
                    return []
                }
                guard !d.plan.entries.isEmpty else {
                    let what = d.assets == nil ? "the version has no local files"
                        : "the chosen assets are remote links\(d.includeRemote ? "" : " (r fetches s3:// objects when offered)")"
                    message = StatusMessage("Nothing to download: \(what)", kind: .error)
                    return []
                }
                overlay = nil
                if let chosen = d.assets {
                    // The marks did their job: a download of exactly them clears them (as nnn does).
                    for (key, marks) in assetMarks where key.path == [d.plan.workspace, d.plan.artifactName, d.plan.version.version]
                        && marks.paths == Set(chosen) { assetMarks[key] = nil }
                }
                let command = CLIEquivalent.download(workspace: d.plan.workspace, artifact: d.plan.artifactName,
                                                     version: d.plan.version.version, destination: d.plan.destination,
                                                     assets: d.assets, strategy: d.strategy, includeRemote: d.includeRemote)
                return startJob(kind: .download, title: "\(d.plan.artifactName):\(d.plan.version.version) → \(d.plan.destination)",
                                label: "\(d.plan.artifactName):\(d.plan.version.version)",
                                total: d.plan.totalBytes, refresh: [], equivalent: command) { id in
                    [.startDownload(jobID: id, plan: d.plan, strategy: d.strategy)]
                }
            default: break
            }
            overlay = .download(d)
            return []
        case .labels(var l)?:
            if l.checking {
                // Reading the server's labels for the review: only Esc acts (cancels the edit).
                if key == .escape {
                    overlay = nil
                    message = StatusMessage("Edit cancelled; nothing was written")
                    return []
                }
                return []
            }
            if let review = l.review {
                switch key {
                case .left, .right, .tab: l.focus = l.focus.toggled
                case .escape, .backspace: l.review = nil  // back to the text
                case .enter where l.focus == .confirm, .char("y"):
                    overlay = nil
                    guard !review.isNoOp else {
                        message = StatusMessage("No change to write: the server already has these \(review.kind.plural)")
                        return []
                    }
                    let command = CLIEquivalent.labels(kind: review.kind, workspace: l.workspace, artifact: l.artifactName,
                                                       version: review.version?.version, delta: review.delta)
                    lastEquivalent = command
                    message = CLIEquivalent.message("Writing \(review.kind.plural): \(review.delta.summary)…", command: command)
                    labelWritesInFlight += 1
                    return [.applyLabels(review, workspace: l.workspace, artifactName: l.artifactName,
                                         refresh: refreshKeys(workspace: l.workspace, artifact: l.artifactName))]
                case .enter, .char("n"), .char("q"):
                    overlay = nil
                    message = StatusMessage("Edit cancelled; nothing was written")
                    return []
                default: break
                }
                overlay = .labels(l)
                return []
            }
            switch key {
            case .escape:
                overlay = nil
                message = StatusMessage("Edit cancelled; nothing was written")
                return []
            case .enter:
                do {
                    let delta = try l.delta()
                    guard !delta.isEmpty else {
                        l.error = "Nothing changed: type a label to add it, or delete one to remove it."
                        break
                    }
                    l.error = nil
                    l.checking = true
                    overlay = .labels(l)
                    return [.reviewLabels(workspace: l.workspace, artifactName: l.artifactName)]
                } catch let error as ActionError {
                    l.error = error.userMessage
                } catch {
                    l.error = String(describing: error)
                }
            default: _ = l.field.handle(key)
            }
            overlay = .labels(l)
            return []
        case .bump(var b)?:
            let kinds = SemanticVersion.Bump.allCases
            switch key {
            case .tab, .down, .char("j"): b.kind = kinds[(kinds.firstIndex(of: b.kind)! + 1) % kinds.count]
            case .up, .char("k"): b.kind = kinds[(kinds.firstIndex(of: b.kind)! + kinds.count - 1) % kinds.count]
            case .char("M"): b.kind = .major
            case .char("m"): b.kind = .minor
            case .char("p"): b.kind = .patch
            case .char(" "), .char("a"): b.withAliases.toggle()
            case .left, .right, .char("h"), .char("l"): b.focus = b.focus.toggled
            case .escape, .char("q"), .char("n"):
                overlay = nil
                message = StatusMessage("Bump cancelled; nothing was created")
                return []
            case .enter where b.focus == .cancel:
                overlay = nil
                message = StatusMessage("Bump cancelled; nothing was created")
                return []
            case .enter, .char("y"):
                switch b.outcome {
                case .failure(let error):
                    message = StatusMessage(error.userMessage, kind: .error)
                case .success(let plan):
                    overlay = nil
                    let command = CLIEquivalent.bump(workspace: b.workspace, artifact: b.details.artifact.name,
                                                     version: b.source.version, kind: b.kind, withAliases: b.withAliases)
                    return startJob(kind: .bump, title: "bump \(b.details.artifact.name) \(plan.preview)", total: nil,
                                    refresh: refreshKeys(workspace: b.workspace, artifact: b.details.artifact.name),
                                    equivalent: command) { id in
                        [.startBump(jobID: id, workspace: b.workspace, artifact: b.details.artifact.name,
                                    version: b.source.version, kind: b.kind, withAliases: b.withAliases)]
                    }
                }
            default: break
            }
            overlay = .bump(b)
            return []
        case .jobs(let selected)?:
            return handleJobsView(key, selected: selected)
        case .diff(let diff, let offset)?:
            switch key {
            case .char("j"), .down: overlay = .diff(diff, offset: offset + 1)
            case .char("k"), .up: overlay = .diff(diff, offset: Swift.max(0, offset - 1))
            case .pageDown, .char(" "): overlay = .diff(diff, offset: offset + Swift.max(1, size.height - 6))
            case .pageUp: overlay = .diff(diff, offset: Swift.max(0, offset - Swift.max(1, size.height - 6)))
            default: overlay = nil
            }
            return []
        case .confirmQuit?:
            if key == .char("y") || key == .char("Y") || key == .ctrl("c") { return requestQuit() }
            overlay = nil
            message = StatusMessage("Still running \(jobs.count) job\(jobs.count == 1 ? "" : "s")")
            return []
        default:
            return nil
        }
    }

    /// Starts a background job; `equivalent` is the `arty …` command doing the same
    /// (``CLIEquivalent``), shown when it starts and when it is done.
    mutating func startJob(kind: JobKind, title: String, label: String? = nil, total: Int64?, refresh: [ListingKey],
                           equivalent: String? = nil, effects: (Int) -> [Effect]) -> [Effect] {
        let id = nextJobID
        nextJobID += 1
        var job = Job(id: id, title: title, label: label, total: total, kind: kind, refresh: refresh)
        job.equivalent = equivalent
        jobs.append(job)
        if let equivalent { lastEquivalent = equivalent }
        message = CLIEquivalent.message("Started \(kind == .download ? "download" : "bump") \(title) (J shows jobs)",
                                        command: equivalent ?? "")
        return effects(id)
    }

    /// Reduces the results of the action effects.
    mutating func reduceActionResult(_ action: Action) -> [Effect] {
        switch action {
        case .downloadPlanned(let result, let assets):
            switch result {
            case .success(let plan):
                if case .download(var d)? = overlay {
                    d.plan = plan  // re-planned after a destination edit; strategy and focus stay
                    d.planning = false
                    overlay = .download(d)
                    if message == Self.readingRemoteLinks { message = nil }
                } else if overlay == nil {
                    let remote = plan.entries.contains { $0.source != nil }
                    overlay = .download(DownloadDialog(plan: plan, assets: assets, includeRemote: remote))
                }
            case .failure(let failure):
                if case .download(var d)? = overlay {
                    d.planning = false  // the dialog keeps the plan it shows
                    overlay = .download(d)
                }
                message = StatusMessage("Cannot download: \(failure.message)", kind: .error)
            }
            return []
        case .jobUpdated(let id, let progress):
            guard let i = jobs.firstIndex(where: { $0.id == id }) else { return [] }
            jobs[i].progress = progress
            jobs[i].done = progress.bytesDone
            jobs[i].total = progress.totalBytes
            return []
        case .jobFinished(let id, let outcome):
            return finishJob(id: id, outcome: outcome)
        case .labelsReviewed(let result):
            guard case .labels(var l)? = overlay, l.checking else { return [] }
            l.checking = false
            switch result {
            case .success(let details):
                do {
                    let delta = try l.delta()
                    if l.kind != .artifactTag, let v = l.version,
                       !details.versions.contains(where: { $0.artifactVersionId == v.artifactVersionId }) {
                        l.error = "Version \(v.version) no longer exists on the server; nothing was written."
                    } else {
                        l.review = try LabelEdit.plan(kind: l.kind, delta: delta, version: l.version, details: details, opened: l.opened)
                        l.focus = .cancel
                    }
                } catch let error as ActionError {
                    l.error = error.userMessage
                } catch {
                    l.error = String(describing: error)
                }
            case .failure(let failure):
                l.error = "Could not read the current labels: \(failure.message)"
            }
            overlay = .labels(l)
            return []
        case .labelsApplied(let text, let refresh):
            message = text
            if text.kind == .info, let command = lastEquivalent, command.hasPrefix("arty alias ") || command.hasPrefix("arty tag ") {
                message = CLIEquivalent.message(text.text, command: command)
            }
            labelWritesInFlight = Swift.max(0, labelWritesInFlight - 1)
            if quitWhenWritesFinish, labelWritesInFlight == 0 {
                quitWhenWritesFinish = false
                return requestQuit()
            }
            return refresh.flatMap { reload($0) }
        case .compared(let result):
            switch result {
            case .success(let diff):
                if overlay == nil { overlay = .diff(diff, offset: 0) }
                message = StatusMessage(diff.lines.last ?? "")
            case .failure(let failure):
                message = StatusMessage("Cannot compare: \(failure.message)", kind: .error)
            }
            return []
        default:
            return []
        }
    }
}
