import CometAPI
import Foundation

/// Human-readable sizes and dates, as the panes show them.
public enum Formatting {
    /// A byte count in binary units: `0 B`, `999 B`, `1.0 KiB`, `12.3 MiB`, `4.0 GiB`; negative counts
    /// are `?`. The CLI's form (``Listing/byteCount(_:)``), so both show the same text.
    public static func size(_ bytes: Int64) -> String {
        CometAPI.Listing.byteCount(bytes)
    }

    /// A size with its exact byte count when the short form rounds: `2.0 KiB (2048 bytes)`;
    /// below 1 KiB the short form is exact already: `61 B`, `1 B`.
    public static func sizeWithBytes(_ bytes: Int64) -> String {
        bytes >= 0 && bytes < 1024 ? size(bytes) : size(bytes) + " (\(bytes) bytes)"
    }

    /// When something was added, against `now` (both epoch milliseconds): `just now`, `5m ago`,
    /// `3h ago`, `2d ago` within 30 days; otherwise the UTC date `2026-01-05`. Future times and
    /// unknown times (`nil`) give the ISO date and `-` respectively.
    public static func added(_ millis: Int64?, now: Int64) -> String {
        guard let millis else { return "-" }
        let seconds = (now - millis) / 1000
        if seconds >= 0 {
            if seconds < 60 { return "just now" }
            if seconds < 3600 { return "\(seconds / 60)m ago" }
            if seconds < 86_400 { return "\(seconds / 3600)h ago" }
            if seconds < 30 * 86_400 { return "\(seconds / 86_400)d ago" }
        }
        return isoDate(millis)
    }

    /// The UTC calendar date of an epoch-millisecond time, `YYYY-MM-DD`.
    public static func isoDate(_ millis: Int64) -> String {
        // Civil-from-days (Howard Hinnant), so no Calendar or time zone is involved.
        let days = Int64((Double(millis) / 86_400_000).rounded(.down))
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        func two(_ n: Int64) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(y)-\(two(m))-\(two(d))"
    }

    /// The UTC date and time of an epoch-millisecond time, `YYYY-MM-DD HH:MM UTC`.
    public static func isoDateTime(_ millis: Int64) -> String {
        let secondsOfDay = ((millis / 1000) % 86_400 + 86_400) % 86_400
        let h = secondsOfDay / 3600, m = (secondsOfDay % 3600) / 60
        return "\(isoDate(millis)) \(h < 10 ? "0" : "")\(h):\(m < 10 ? "0" : "")\(m) UTC"
    }
}
