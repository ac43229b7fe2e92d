import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A shell-style glob (`*.csv`, `data/**`, `img_[0-9].png`) matched against an asset's logical path
/// with POSIX `fnmatch(3)`.
///
/// `*` and `?` also match `/` (no `FNM_PATHNAME`), so `*.csv` selects `data/train.csv`; a pattern
/// without `/` is additionally tried against the last path segment.
public struct GlobPattern: Sendable, Hashable, CustomStringConvertible {
    public let pattern: String

    public init(_ pattern: String) { self.pattern = pattern }

    public var description: String { pattern }

    /// True when `path` (a normalised logical path such as `data/train.csv`) matches.
    public func matches(_ path: String) -> Bool {
        if fnmatch(pattern, path, 0) == 0 { return true }
        if !pattern.contains("/"), let last = path.split(separator: "/").last {
            return fnmatch(pattern, String(last), 0) == 0
        }
        return false
    }

    /// The include/exclude rule of `arty download`: selected when `include` is empty or any include
    /// matches, and no exclude matches.
    public static func selects(_ path: String, include: [GlobPattern], exclude: [GlobPattern]) -> Bool {
        (include.isEmpty || include.contains { $0.matches(path) }) && !exclude.contains { $0.matches(path) }
    }
}
