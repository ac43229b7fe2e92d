import CometAPI

/// Drawing the action overlays (issue 5): dialogs, the jobs view, the diff view.
extension Render {
    /// One line of a panel: text and style; `label` lines draw a dim label column first.
    struct PanelLine {
        var label: String?
        var text: String
        var style: Style = .plain
        /// Wrapped onto more lines instead of cut when wider than the panel.
        var wraps = false
        init(_ text: String, label: String? = nil, style: Style = .plain, wraps: Bool = false) {
            self.label = label
            self.text = text
            self.style = style
            self.wraps = wraps
        }
    }

    /// A centred box with body lines (clipped when the screen is short), then pinned footer lines
    /// (buttons, key hints) that always show.
    func panel(_ frame: inout Frame, title: String, body unwrapped: [PanelLine], footer: [PanelLine], maxWidth: Int = 70) {
        let width = min(size.width - 2, maxWidth)
        let inner = width - 4
        let labelWidth = min(12, max(8, inner / 4))
        let body = unwrapped.flatMap { line -> [PanelLine] in
            guard line.wraps else { return [line] }
            let room = max(1, inner - (line.label == nil ? 0 : labelWidth))
            return TextFit.wrap(Sanitizer.clean(line.text), to: room).enumerated().map { i, part in
                PanelLine(part, label: i == 0 ? line.label : (line.label == nil ? nil : ""), style: line.style)
            }
        }
        let height = min(size.height - 2, body.count + footer.count + 2)
        let bodyRoom = max(0, height - 2 - footer.count)
        box(&frame, title: title, width: width, height: height) { frame, x, y in
            var shown = Array(body.prefix(bodyRoom))
            if body.count > bodyRoom, bodyRoom > 0 { shown[bodyRoom - 1] = PanelLine("… \(body.count - bodyRoom + 1) more lines", style: .dim) }
            for (i, line) in (shown + footer.prefix(height - 2)).enumerated() {
                var xx = x
                var room = inner
                if let label = line.label {
                    frame.put(TextFit.truncate(label, to: labelWidth - 1), x: xx, y: y + i, style: .dim)
                    xx += labelWidth
                    room -= labelWidth
                }
                frame.put(TextFit.truncate(Sanitizer.clean(line.text), to: max(0, room)), x: xx, y: y + i, style: line.style, limit: room)
            }
        }
    }

    /// `[ Cancel ]  [ Download ]` with the focused button reversed.
    func buttons(_ frame: inout Frame, _ confirm: String, focus: DialogButton, enabled: Bool = true) -> [PanelLine] {
        let c = focus == .cancel ? "▸ Cancel ◂" : "  Cancel  "
        let o = focus == .confirm ? "▸ \(confirm) ◂" : "  \(confirm)  "
        return [PanelLine("[\(c)]   [\(o)]" + (enabled ? "" : "  (refused)"), style: .bold)]
    }

    func actionOverlay(_ frame: inout Frame) {
        switch state.overlay {
        case .download(let d)?: downloadDialog(&frame, d)
        case .labels(let l)?: labelDialog(&frame, l)
        case .bump(let b)?: bumpDialog(&frame, b)
        case .jobs(let selected)?: jobsView(&frame, selected: selected)
        case .diff(let diff, let offset)?: diffView(&frame, diff, offset: offset)
        case .confirmQuit?:
            let n = state.jobs.count
            panel(&frame, title: "Quit arty?", body: [
                PanelLine("\(n) job\(n == 1 ? " is" : "s are") still running:", style: .bold),
            ] + state.jobs.prefix(3).map { PanelLine("• " + $0.title) } + [
                PanelLine("Quitting cancels \(n == 1 ? "it" : "them"); partial files are removed."),
            ], footer: [PanelLine("Quit anyway? y quits · N (any other key) keeps running", style: Style(color: .yellow, bold: true))],
                  maxWidth: 60)
        default: break
        }
    }

    func downloadDialog(_ frame: inout Frame, _ d: DownloadDialog) {
        let plan = d.plan
        var body: [PanelLine] = []
        // Most important first: at the minimum size only the first lines fit.
        if let field = d.destinationField {
            // The room `panel` gives a labelled line (the default 70-cell panel).
            let inner = min(size.width - 2, 70) - 4
            let destinationRoom = max(2, inner - min(12, max(8, inner / 4)))
            body.append(PanelLine(field.rendered(width: destinationRoom), label: "Destination", style: Style(color: .yellow, bold: true)))
        } else {
            body.append(PanelLine(plan.destination + (plan.destination.hasSuffix("/") ? "" : "/"), label: "Destination"))
        }
        let strategies = OverwriteStrategy.allCases.map { $0 == d.strategy ? "[\($0.rawValue)]" : $0.rawValue }.joined(separator: " ")
        body.append(PanelLine(strategies, label: "Overwrite", style: .bold))
        body.append(PanelLine(Plural.count(plan.entries.count, "file") + ", " + Formatting.sizeWithBytes(plan.totalBytes),
                              label: "Files"))
        let existing = plan.existingEntries
        if existing.isEmpty {
            body.append(PanelLine("nothing at the destination yet", label: "Existing", style: .dim))
        } else {
            let names = existing.prefix(2).map(\.path.relativePath).joined(separator: ", ") + (existing.count > 2 ? ", …" : "")
            let allUpToDate = plan.upToDateEntries.count == existing.count
            body.append(PanelLine("\(existing.count) \(Plural.verb(existing.count, "exist")) already\(ActionText.upToDateNote(plan)): \(names)", label: "Existing",
                                  style: allUpToDate ? .dim : Style(color: .yellow)))
        }
        let fetched = plan.entries.filter { $0.source != nil }.count
        let s3Left = plan.remote.filter { RemoteLinkKind($0.link) == .s3 }.count
        let offer = state.context.readsRemoteStores && (d.includeRemote || s3Left > 0)
        if d.includeRemote {
            body.append(PanelLine("S3 objects fetched: \(fetched) file\(fetched == 1 ? "" : "s") (r leaves them out)", label: "Remote",
                                  style: Style(color: .blue)))
        }
        if plan.remote.isEmpty {
            if !d.includeRemote { body.append(PanelLine("none", label: "Remote", style: .dim)) }
        } else {
            let names = plan.remote.prefix(2).map(\.logicalPath).joined(separator: ", ") + (plan.remote.count > 2 ? ", …" : "")
            let hint = offer && !d.includeRemote ? " · r fetches the S3 objects" : ""
            body.append(PanelLine("\(plan.remote.count) not fetched (listed in \(DownloadPlan.remoteManifestName)): \(names)\(hint)",
                                  label: d.includeRemote ? "" : "Remote", wraps: offer))
        }
        if let first = plan.refused.first {
            let more = plan.refused.count > 1 ? " (and \(plan.refused.count - 1) more)" : ""
            body.append(PanelLine("\(plan.refused.count) refused: \(first.asset.logicalPath): \(first.reason)\(more)", label: "Refused",
                                  style: .error, wraps: true))
        }
        let explain: String = switch d.strategy {
        case .fail: "FAIL: same content kept, arty's own untouched older copies updated, other files that differ fail"
        case .preserve: "PRESERVE: existing files are kept untouched"
        case .overwrite: "OVERWRITE: existing files are replaced"
        }
        body.append(PanelLine(explain + (d.conflicts > 0 ? " · \(d.conflicts) will fail" : ""),
                              style: d.conflicts > 0 ? .error : .dim, wraps: true))
        if d.planning { body.append(PanelLine("\(Render.spinner(state.tickCount)) planning with the new settings…", style: .dim)) }
        var footer = buttons(&frame, "Download", focus: d.focus)
        footer.append(PanelLine(d.editedDestination == nil ? "←→ button · Tab strategy · e edit folder\(offer ? " · r remote" : "") · Enter · Esc"
                                                           : "type the folder · Enter re-plans · Esc keeps the old one", style: .dim))
        let what = d.assets.map { paths in
            paths.count == 1 ? "Download asset \(paths[0]) of \(plan.artifactName):\(plan.version.version)"
                : "Download \(Plural.count(paths.count, "marked asset")) of \(plan.artifactName):\(plan.version.version)"
        }
            ?? "Download \(state.current.key.level == .artifacts ? "latest version" : "version") \(plan.artifactName):\(plan.version.version)"
        panel(&frame, title: what, body: body, footer: footer)
    }

    func labelDialog(_ frame: inout Frame, _ l: LabelDialog) {
        var body: [PanelLine] = []
        var footer: [PanelLine]
        if let review = l.review {
            // One line for the change, so that a 40×10 terminal still shows what others changed meanwhile.
            body.append(PanelLine(review.delta.summary, label: "Change", style: Style(color: .green, bold: true)))
            for line in review.concurrentLines { body.append(PanelLine(line, label: "Others", style: Style(color: .yellow), wraps: true)) }
            for move in review.moves { body.append(PanelLine(move.description, label: "Moves", style: Style(color: .yellow, bold: true))) }
            body.append(PanelLine(review.after.isEmpty ? "none" : LabelGrammar.format(review.after), label: "Result", wraps: true))
            if review.isNoOp { body.append(PanelLine("No change: the server already has this.", style: .dim)) }
            footer = buttons(&frame, "Write", focus: l.focus)
            footer.append(PanelLine("←→ button · Enter · Esc back to editing", style: .dim))
        } else {
            body.append(PanelLine(l.opened.isEmpty ? "none" : LabelGrammar.format(l.opened), label: "Now"))
            body.append(PanelLine("Commas separate labels; delete one to remove it; quote \"a,b\".", style: .dim))
            // The cursor, where typing happens, stays visible: a long text scrolls (``TextField/visible(width:)``).
            let room = max(4, min(size.width - 2, 70) - 4 - 2)
            body.append(PanelLine("> " + l.field.rendered(width: room), style: Style(color: .yellow, bold: true)))
            if l.checking { body.append(PanelLine("Reading the labels the server holds now…", style: .dim)) }
            if let error = l.error { body.append(PanelLine("✗ " + error, style: .error, wraps: true)) }
            if l.kind == .alias { body.append(PanelLine("An alias held by another version moves here.", style: .dim)) }
            footer = [PanelLine("Enter reviews · Esc cancels", style: .dim)]
        }
        panel(&frame, title: l.title, body: body, footer: footer)
    }

    func bumpDialog(_ frame: inout Frame, _ b: BumpDialog) {
        var body: [PanelLine] = []
        let kinds = SemanticVersion.Bump.allCases.map { $0 == b.kind ? "(•) \($0.rawValue)" : "( ) \($0.rawValue)" }.joined(separator: "  ")
        body.append(PanelLine(kinds, label: "Kind", style: .bold))
        let outcome = b.outcome
        switch outcome {
        case .success(let plan):
            body.append(PanelLine(plan.preview, label: "Preview", style: Style(color: .green, bold: true)))
        case .failure(let error):
            let target = b.source.semanticVersion?.bumped(b.kind).map { "\(b.source.version) → \($0)" } ?? b.source.version
            body.append(PanelLine(target, label: "Preview", style: .bold))
            body.append(PanelLine("✗ " + error.userMessage, style: .error))
        }
        let aliases = b.source.aliases.isEmpty ? "(none)" : b.source.aliases.joined(separator: ", ")
        body.append(PanelLine("[\(b.withAliases ? "x" : " ")] carry aliases \(aliases)", label: "Aliases"))
        body.append(PanelLine("Copies every asset of \(b.source.version) (version tags and metadata too).", style: .dim))
        var enabled = true
        if case .failure = outcome { enabled = false }
        var footer = buttons(&frame, "Bump", focus: b.focus, enabled: enabled)
        footer.append(PanelLine("Tab/↑↓ kind · Space aliases · ←→ button · Enter · Esc", style: .dim))
        panel(&frame, title: "Bump \(b.details.artifact.name):\(b.source.version)", body: body, footer: footer)
    }

    /// `[██████░░░░]` of `width` cells for `fraction` (0...1).
    static func bar(_ fraction: Double, width: Int) -> String {
        let filled = max(0, min(width, Int((fraction * Double(width)).rounded(.down))))
        return String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
    }

    /// `2/4 files · 1.2 MiB of 11.0 MiB · 512.0 KiB/s · ETA 0:04`, or "starting…".
    static func jobLine(_ job: Job) -> String {
        guard let p = job.progress else { return job.cancelling ? "cancelling…" : "starting…" }
        return ActionText.progressLine(p) + (job.cancelling ? " · cancelling…" : "")
    }

    static func percent(_ job: Job) -> Int? {
        guard let total = job.total, total > 0 else { return nil }
        return Int(min(100, job.done * 100 / total))
    }

    /// `✗ failed`, `✓ done`, `⊘ cancelled` (a word, not colour alone) and its style.
    static func statusWord(_ status: JobStatus) -> (String, Style) {
        switch status {
        case .running: ("… running", .plain)
        case .done: ("✓ done", Style(color: .green))
        case .failed: ("✗ failed", .error)
        case .cancelled: ("⊘ cancelled", Style(color: .yellow))
        }
    }

    /// The lines of one job in the jobs view: title, then progress (running) or status and summary (finished).
    func jobBlock(_ job: Job, selected: Bool, inner: Int) -> [PanelLine] {
        let mark = selected ? "› " : "  "
        let icon = job.kind == .download ? "⇣ " : "⇡ "
        var lines = [PanelLine(mark + icon + job.title, style: selected ? Style(bold: true, reverse: true) : .bold)]
        if let outcome = job.outcome {
            let (word, style) = Render.statusWord(outcome.status)
            lines.append(PanelLine("  " + word + " · " + outcome.summary, style: style))
        } else {
            let pct = Render.percent(job)
            lines.append(PanelLine("  " + Render.bar(Double(pct ?? 0) / 100, width: max(4, min(30, inner - 10)))
                                   + " " + (pct.map { "\($0)%" } ?? "")))
            lines.append(PanelLine("  " + Render.jobLine(job), style: .dim))
        }
        return lines
    }

    /// What the jobs view shows under the list for the selected job: the files of a running one,
    /// the failed files with their reasons for a finished one; a heading line first, or nothing.
    func jobDetails(_ job: Job, inner: Int) -> [PanelLine] {
        if let outcome = job.outcome {
            guard !outcome.failures.isEmpty else { return [] }
            var lines = [PanelLine("Failed files (\(outcome.failures.count)):", style: .bold)]
            for failure in outcome.failures {
                lines.append(PanelLine("  ✗ " + failure.path, style: .error))
                lines += TextFit.wrap(Sanitizer.clean(JobOutcome.reason(failure)), to: max(8, inner - 4)).map { PanelLine("    " + $0) }
            }
            return lines
        }
        guard let files = job.progress?.files, !files.isEmpty else { return [] }
        var lines = [PanelLine("Files of the selected job:", style: .bold)]
        // Active transfers first, then queued, then finished.
        func rank(_ s: FileTransferState) -> Int {
            switch s {
            case .transferring, .uploading, .retrying, .verifying: 0
            case .queued: 1
            default: 2
            }
        }
        for f in files.sorted(by: { (rank($0.state), $0.path) < (rank($1.state), $1.path) }) {
            let amount = "\(Formatting.size(f.bytes))/\(Formatting.size(f.totalBytes))"
            lines.append(PanelLine("  " + TextFit.pad(TextFit.truncate(f.path, to: max(8, inner - 36)), to: max(8, inner - 36))
                                   + "  " + TextFit.pad(amount, to: 19, align: .right) + "  " + f.state.description,
                                   style: f.state.isFinished ? .dim : .plain))
        }
        return lines
    }

    /// The jobs view: running jobs, then finished ones (newest first) until dismissed; the list
    /// scrolls to keep the selected job in view, and the selected job's details fill the rest.
    func jobsView(_ frame: inout Frame, selected: Int) {
        let list = state.jobList
        let inner = min(size.width - 2, 76) - 4
        let footer = [PanelLine(Keymap.jobsHints, style: .dim)]
        let room = max(1, size.height - 4 - footer.count)
        guard !list.isEmpty else {
            panel(&frame, title: "Jobs (0)", body: [PanelLine("No jobs running. d downloads, b bumps.", style: .dim)],
                  footer: footer, maxWidth: 76)
            return
        }
        let index = min(max(0, selected), list.count - 1)
        var lines: [PanelLine] = []
        var selectedRange = 0..<0
        for (i, job) in list.enumerated() {
            let block = jobBlock(job, selected: i == index, inner: inner)
            if i == index { selectedRange = lines.count..<(lines.count + block.count) }
            lines += block
        }
        var details = jobDetails(list[index], inner: inner)
        let listRoom = min(lines.count, max(selectedRange.count, room - details.count))
        let start = lines.count <= listRoom ? 0 : max(0, min(selectedRange.lowerBound, lines.count - listRoom))
        let detailRoom = max(0, room - listRoom)
        // Short of room, the heading (details always start with one) goes before any failed file or reason does.
        if details.count > detailRoom, details.count > 1 { details.removeFirst() }
        if details.count > detailRoom {
            let hidden = details.count - max(0, detailRoom - 1)
            details = detailRoom > 0 ? Array(details.prefix(detailRoom - 1)) + [PanelLine("… \(hidden) more lines", style: .dim)] : []
        }
        let finished = state.finishedJobs.count
        let title = finished == 0 ? "Jobs (\(state.jobs.count))" : "Jobs (\(state.jobs.count) running, \(finished) finished)"
        panel(&frame, title: title, body: Array(lines[start..<(start + listRoom)]) + details, footer: footer, maxWidth: 76)
    }

    func diffView(_ frame: inout Frame, _ diff: VersionDiff, offset: Int) {
        let lines = diff.lines
        let body = lines.dropLast().map { line -> PanelLine in
            let style: Style = switch line.first {
            case "+": Style(color: .green)
            case "-": Style(color: .red)
            case "~": Style(color: .yellow)
            case "=": .dim
            default: .plain
            }
            return PanelLine(line, style: style)
        }
        let room = max(1, min(size.height - 2, 200) - 5)
        let start = max(0, min(offset, body.count - room))
        var shown = Array(body.dropFirst(start).prefix(room))
        if shown.isEmpty { shown = [PanelLine("The versions have the same assets.", style: .dim)] }
        let summary = PanelLine(lines.last ?? "", style: .bold)
        let scroll = body.count > room ? "j/k scroll (\(start + 1)–\(start + shown.count) of \(body.count)) · any key closes" : "Any key closes"
        panel(&frame, title: "Compare \(diff.from) → \(diff.to)", body: shown,
              footer: [summary, PanelLine(scroll, style: .dim)], maxWidth: 90)
    }

    /// The status line's job summary, numbers first so that a narrow status line cuts the name, not
    /// the progress: `⇣ 42% · ETA 0:04 · 1.2 MiB/s · mnist:2.1.0` (the destination is in the jobs view).
    func jobsSummary() -> String {
        state.jobs.map { job in
            var parts = [(job.kind == .download ? "⇣ " : "⇡ ") + (Render.percent(job).map { "\($0)%" } ?? "…")]
            if job.cancelling { parts.append("cancelling") }
            if let eta = job.progress?.etaMilliseconds, job.done < (job.total ?? 0) {
                parts.append("ETA " + ActionText.duration(milliseconds: eta))
            }
            if let rate = job.progress?.bytesPerSecond { parts.append(Formatting.size(Int64(rate)) + "/s") }
            parts.append(job.label)
            return parts.joined(separator: " · ")
        }.joined(separator: "  ")
    }
}
