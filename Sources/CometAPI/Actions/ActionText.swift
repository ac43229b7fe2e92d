import Foundation

/// Short texts of the actions, shared by the CLI and the TUI (status line, footer, confirm dialog):
/// pure functions of the engine's values. Sizes use ``Listing/byteCount(_:)``.
public enum ActionText {
    /// `m:ss`, or `h:mm:ss` from one hour, for a duration in milliseconds (rounded up to a second).
    public static func duration(milliseconds: Int64) -> String {
        let seconds = max(0, (milliseconds + 999) / 1000)
        let h = seconds / 3600, m = (seconds % 3600) / 60, s = seconds % 60
        return h > 0 ? String(format: "%d:%02d:%02d", h, m, s) : String(format: "%d:%02d", m, s)
    }

    /// `2/5 files · 1.2 MiB of 3.0 MiB · 512.0 KiB/s · ETA 0:04` (rate and ETA once known).
    public static func progressLine(_ p: DownloadProgress) -> String {
        var parts = ["\(p.filesFinished)/" + Plural.count(p.files.count, "file"),
                     "\(Listing.byteCount(p.bytesDone)) of \(Listing.byteCount(p.totalBytes))"]
        if let rate = p.bytesPerSecond { parts.append("\(Listing.byteCount(Int64(rate)))/s") }
        if let eta = p.etaMilliseconds, p.bytesDone < p.totalBytes { parts.append("ETA \(duration(milliseconds: eta))") }
        return parts.joined(separator: " · ")
    }

    /// One line for the footer once a download ends:
    /// `Downloaded 2 files (1.2 MiB) to out · 1 kept (1 up to date) · 1 failed · 3 remote listed`, or
    /// `Download cancelled ...`.
    public static func summaryLine(_ s: DownloadSummary) -> String {
        var parts = [s.cancelled ? "Download cancelled after " + Plural.count(s.downloaded.count, "file")
                                 : "Downloaded " + Plural.count(s.downloaded.count, "file")
                                   + " (\(Listing.byteCount(s.bytesTransferred))) to \(s.destination)"]
        if !s.kept.isEmpty { parts.append("\(s.kept.count) kept" + (s.unchanged.isEmpty ? "" : " (\(s.unchanged.count) up to date)")) }
        if !s.failed.isEmpty { parts.append("\(s.failed.count) failed") }
        if !s.remote.isEmpty { parts.append("\(s.remote.count) remote listed") }
        return parts.joined(separator: " · ")
    }

    /// The body of the download confirm dialog: version, destination, file count, total bytes,
    /// what exists already, refused and remote assets.
    public static func confirmLines(_ plan: DownloadPlan) -> [String] {
        var lines = ["\(plan.workspace)/\(plan.artifactName):\(plan.version.version)",
                     "to \(plan.destination)",
                     Plural.count(plan.entries.count, "file") + ", \(Listing.byteCount(plan.totalBytes))"]
        let existing = plan.existingEntries
        if !existing.isEmpty {
            let names = existing.prefix(3).map(\.path.relativePath).joined(separator: ", ")
            lines.append("\(existing.count) \(Plural.verb(existing.count, "exist")) already\(upToDateNote(plan)): \(names)\(existing.count > 3 ? ", …" : "")")
        }
        if !plan.refused.isEmpty { lines.append("\(plan.refused.count) refused (unsafe logical path)") }
        if !plan.remote.isEmpty { lines.append(Plural.count(plan.remote.count, "remote asset") + " listed in \(DownloadPlan.remoteManifestName), not fetched") }
        return lines
    }

    /// ` (3 up to date)`, ` (all up to date)` or nothing: how many existing files the destination's
    /// record shows are already the assets' content (kept with no transfer).
    public static func upToDateNote(_ plan: DownloadPlan) -> String {
        let n = plan.upToDateEntries.count
        if n == 0 { return "" }
        return n == plan.existingEntries.count ? " (all up to date)" : " (\(n) up to date)"
    }
}
