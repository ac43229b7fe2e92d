import CometAPI

/// Where a job stands in the jobs view (`J`).
public enum JobStatus: String, Sendable, Hashable {
    case running, done, failed, cancelled
}

/// How a job ended. The job keeps it in the jobs view (`J`) until dismissed, and the status line
/// shows ``statusMessage(label:kind:)``.
public struct JobOutcome: Sendable, Hashable {
    public var status: JobStatus
    /// One line: `Downloaded 3 files (1.2 MiB) to ./cats-2.0.0 · 1 failed`, `Created cats:1.1.0 …`,
    /// or what failed.
    public var summary: String
    /// The files that failed, each with the engine's reason (conflicts, verification, transfers,
    /// refused logical paths), in the engine's order.
    public var failures: [DownloadSummary.Failure]
    /// The files the job was to handle (for "1 of 4 files failed"); nil when unknown.
    public var fileCount: Int?

    public init(status: JobStatus, summary: String, failures: [DownloadSummary.Failure] = [], fileCount: Int? = nil) {
        self.status = status
        self.summary = summary
        self.failures = failures
        self.fileCount = fileCount
    }

    /// A download's end: cancelled, failed (some file failed) or done; `planned` counts the
    /// plan's files and refused assets.
    public static func download(_ summary: DownloadSummary, planned: Int) -> JobOutcome {
        let status: JobStatus = summary.cancelled ? .cancelled : (summary.failed.isEmpty ? .done : .failed)
        return JobOutcome(status: status, summary: ActionText.summaryLine(summary), failures: summary.failed, fileCount: planned)
    }

    /// A job that failed as a whole (`reason` says why, already phrased for a person); `files`
    /// are the files it names, e.g. the asset a bump was copying.
    public static func failed(_ reason: String, files: [DownloadSummary.Failure] = [], fileCount: Int? = nil) -> JobOutcome {
        JobOutcome(status: .failed, summary: reason, failures: files, fileCount: fileCount)
    }

    /// A reason as the TUI shows it: the engine's conflict text names the CLI's `--overwrite`
    /// flag and repeats the path; here the remedy is the download dialog's Tab.
    public static func reason(_ failure: DownloadSummary.Failure) -> String {
        if failure.reason == ActionError.existingFileDiffers(path: failure.path).userMessage {
            return "exists with different content (Tab: PRESERVE or OVERWRITE)"
        }
        return failure.reason
    }

    /// The status-line message for a job labelled `label` (`cats:2.0.0`) that ended so. A failure
    /// names the first failed file and its reason,
    /// `cats:2.0.0: 1 of 4 files failed — data/x.csv: exists with different content (…)`,
    /// in segments so that a narrow line cuts the reason first and the file name last.
    public func statusMessage(label: String, kind: JobKind) -> StatusMessage {
        guard status == .failed else { return StatusMessage(summary) }
        guard let first = failures.first else {
            let what = kind == .download ? "download failed" : "failed"
            return StatusMessage(segments: [TextSegment("\(label): \(what) — ", priority: 1), TextSegment(summary, priority: 0)],
                                 kind: .error)
        }
        let count = failures.count
        let head = switch (kind, fileCount) {
        case (.download, let total?): "\(count) of " + Plural.count(total, "file") + " failed"
        case (.download, nil): Plural.count(count, "file") + " failed"
        case (.bump, _): "failed"
        }
        return StatusMessage(segments: [TextSegment("\(label): \(head) — ", priority: 1),
                                        TextSegment(first.path, priority: 2),
                                        TextSegment(": " + JobOutcome.reason(first), priority: 0)],
                             kind: .error)
    }
}

/// The keys of the jobs view (`J`). ``Keymap/jobs`` binds them; help and the view's footer show it.
public enum JobsCommand: String, Sendable, Hashable, CaseIterable {
    case selectUp, selectDown
    /// Cancels the selected running job, or dismisses the selected finished one.
    case cancelOrDismiss
    /// Removes every finished job from the view.
    case clearFinished
    case close
}

extension BrowserState {
    /// What the jobs view lists: the running jobs (oldest first), then the finished ones (newest first).
    public var jobList: [Job] { jobs + finishedJobs }

    /// `.jobFinished`: moves the job to ``finishedJobs`` with its outcome (at most
    /// ``finishedJobLimit`` kept), shows the outcome on the status line, keeps the jobs view's
    /// selection on the same job, and reloads the job's listings.
    mutating func finishJob(id: Int, outcome: JobOutcome) -> [Effect] {
        guard let i = jobs.firstIndex(where: { $0.id == id }) else { return [] }
        var job = jobs.remove(at: i)
        var outcome = outcome
        // A job that failed as a whole may still have named the failing file in its last report (a bump's asset).
        if outcome.status == .failed, outcome.failures.isEmpty, let files = job.progress?.files {
            outcome.failures = files.compactMap { file -> DownloadSummary.Failure? in
                if case .failed(let why) = file.state { return DownloadSummary.Failure(path: file.path, reason: why) }
                return nil
            }
            if outcome.fileCount == nil, !outcome.failures.isEmpty { outcome.fileCount = files.count }
        }
        job.outcome = outcome
        job.cancelling = false
        finishedJobs.insert(job, at: 0)
        if finishedJobs.count > BrowserState.finishedJobLimit { finishedJobs.removeLast(finishedJobs.count - BrowserState.finishedJobLimit) }
        message = outcome.statusMessage(label: job.label, kind: job.kind)
        if outcome.status == .done, let command = job.equivalent, let text = message?.text {
            message = CLIEquivalent.message(text, command: command)
        }
        if case .jobs(let selected)? = overlay {
            // The finished job moves from index i to jobs.count (the head of the finished ones).
            let moved = selected == i ? jobs.count : (selected > i && selected <= jobs.count ? selected - 1 : selected)
            overlay = .jobs(selected: Swift.min(moved, Swift.max(0, jobList.count - 1)))
        }
        if overlay == .confirmQuit && jobs.isEmpty { overlay = nil }
        return job.refresh.flatMap { reload($0) }
    }

    /// Keys of the jobs view, dispatched through ``Keymap/jobs``.
    mutating func handleJobsView(_ key: Key, selected: Int) -> [Effect] {
        let list = jobList
        let index = list.isEmpty ? 0 : Swift.min(Swift.max(0, selected), list.count - 1)
        switch Keymap.jobsCommand(for: key) {
        case .selectDown?: overlay = .jobs(selected: Swift.min(index + 1, Swift.max(0, list.count - 1)))
        case .selectUp?: overlay = .jobs(selected: Swift.max(0, index - 1))
        case .cancelOrDismiss?:
            guard list.indices.contains(index) else { return [] }
            if index < jobs.count {
                // Only an explicit key cancels: Esc closes the view, as it closes every other overlay.
                guard !jobs[index].cancelling else { return [] }
                jobs[index].cancelling = true
                message = StatusMessage("Cancelling \(jobs[index].title)…")
                return [.cancelJob(id: jobs[index].id)]
            }
            let job = finishedJobs.remove(at: index - jobs.count)
            message = StatusMessage("Dismissed \(job.title) (\(job.status.rawValue))")
            overlay = .jobs(selected: Swift.min(index, Swift.max(0, jobList.count - 1)))
        case .clearFinished?:
            let n = finishedJobs.count
            guard n > 0 else {
                message = StatusMessage("No finished jobs to clear")
                return []
            }
            finishedJobs.removeAll()
            message = StatusMessage("Cleared \(n) finished job\(n == 1 ? "" : "s")")
            overlay = .jobs(selected: Swift.min(index, Swift.max(0, jobs.count - 1)))
        case .close?: overlay = nil
        case nil: break
        }
        return []
    }
}
