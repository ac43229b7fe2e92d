import Foundation

/// `WORKSPACE/ARTIFACT[:VERSION|ALIAS]`, the shorthand of `Experiment.get_artifact` (reference §6).
///
/// The workspace ends at the first `/`; the artifact name may contain spaces (and `/`, although Comet's
/// SDKs discourage it); a version or alias follows the **last** `:`. A version that parses as strict
/// semver becomes ``VersionSelector/version(_:)``, anything else ``VersionSelector/alias(_:)``.
public struct ArtifactReference: Sendable, Hashable, CustomStringConvertible {
    public var workspace: String
    public var artifact: String
    /// nil when no `:VERSION|ALIAS` was given.
    public var selector: VersionSelector?

    public init(workspace: String, artifact: String, selector: VersionSelector? = nil) {
        self.workspace = workspace
        self.artifact = artifact
        self.selector = selector
    }

    /// Why a reference did not parse.
    public enum ParseError: Error, Sendable, Hashable, CustomStringConvertible {
        case empty
        case missingArtifact(String)
        case emptyWorkspace(String)
        case emptyVersion(String)
        /// More than one `:` after the workspace: an artifact name or alias cannot contain `:`.
        case extraColon(String)

        public var description: String {
            switch self {
            case .empty: "An artifact reference is empty; expected WORKSPACE/ARTIFACT[:VERSION|ALIAS]."
            case .missingArtifact(let s): "'\(s)' names no artifact; expected WORKSPACE/ARTIFACT[:VERSION|ALIAS]."
            case .emptyWorkspace(let s): "'\(s)' has an empty workspace; expected WORKSPACE/ARTIFACT[:VERSION|ALIAS]."
            case .emptyVersion(let s): "'\(s)' ends with ':' but gives no version or alias."
            case .extraColon(let s):
                "'\(s)' has more than one ':'; artifact names and aliases cannot contain ':' in a reference (WORKSPACE/ARTIFACT[:VERSION|ALIAS])."
            }
        }
    }

    /// Parses `WORKSPACE/ARTIFACT[:VERSION|ALIAS]`. Surrounding whitespace is trimmed.
    public static func parse(_ text: String) throws(ParseError) -> ArtifactReference {
        // Separators are found among Unicode scalars, not Characters: a combining mark after `/` or
        // `:` joins it into one Character that a Character search would miss (found by fuzzing).
        let s = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !s.isEmpty else { throw .empty }
        let scalars = s.unicodeScalars
        guard let slash = scalars.firstIndex(of: "/") else { throw .missingArtifact(s) }
        let workspace = String(scalars[..<slash]).trimmingCharacters(in: .whitespaces)
        guard !workspace.isEmpty else { throw .emptyWorkspace(s) }
        var rest = scalars[scalars.index(after: slash)...]
        if rest.filter({ $0 == ":" }).count > 1 { throw .extraColon(s) }
        var selector: VersionSelector?
        if let colon = rest.lastIndex(of: ":") {
            let v = String(rest[rest.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
            guard !v.isEmpty else { throw .emptyVersion(s) }
            selector = SemanticVersion(v) != nil ? .version(v) : .alias(v)
            rest = rest[..<colon]
        }
        let artifact = String(rest).trimmingCharacters(in: .whitespaces)
        guard !artifact.isEmpty else { throw .missingArtifact(s) }
        return ArtifactReference(workspace: workspace, artifact: artifact, selector: selector)
    }

    public var description: String {
        "\(workspace)/\(artifact)" + (selector.map { ":\($0)" } ?? "")
    }

    /// Why `alias` can never be reached through a reference (so must not be set), or nil when it is
    /// fine: empty or blank, contains `:` or `/` (the reference syntax), or parses as a semantic
    /// version (`WS/A:1.0.0` always means the version). Pure; `latest` is checked by the callers
    /// that edit aliases (``LabelEdit``).
    public static func aliasProblem(_ alias: String) -> String? {
        let trimmed = alias.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty { return "an alias must not be empty" }
        if trimmed.contains(":") || trimmed.contains("/") {
            return "'\(trimmed)' contains ':' or '/', so no reference could name it"
        }
        if SemanticVersion(trimmed) != nil {
            return "'\(trimmed)' is a semantic version, so a reference would name that version instead"
        }
        return nil
    }
}

/// An asset's logical path, checked to be safe as a path relative to a download folder
/// (reference §4.6: the SDK does not sanitise `fileName`; arty refuses what would escape).
///
/// Refused: empty paths, absolute paths (`/etc/passwd`), `..` segments, drive letters (`C:`),
/// backslashes, NUL and other control characters. `.` and empty segments (`a//b`, `./a`) are dropped.
public struct LogicalPath: Sendable, Hashable, CustomStringConvertible {
    /// The normalised segments (`["data", "train.csv"]`).
    public let segments: [String]

    /// The normalised relative path (`data/train.csv`).
    public var relativePath: String { segments.joined(separator: "/") }
    public var description: String { relativePath }

    /// Why a logical path was refused.
    public enum ValidationError: Error, Sendable, Hashable, CustomStringConvertible {
        case empty
        case absolute(String)
        case parentSegment(String)
        case driveLetter(String)
        case backslash(String)
        case controlCharacter(String)

        public var description: String {
            switch self {
            case .empty: "The asset has an empty logical path."
            case .absolute(let p): "The logical path '\(p)' is absolute; refusing to write outside the download folder."
            case .parentSegment(let p): "The logical path '\(p)' contains '..'; refusing to write outside the download folder."
            case .driveLetter(let p): "The logical path '\(p)' starts with a drive letter; refusing it."
            case .backslash(let p): "The logical path '\(p)' contains a backslash; refusing it."
            case .controlCharacter(let p): "The logical path '\(p.debugDescription)' contains a control character; refusing it."
            }
        }
    }

    /// Validates and normalises `path`.
    ///
    /// Every check works on Unicode scalars, never on `Character`s: a combining mark after `/` makes
    /// one grapheme of the two, so a `Character` split missed that separator and `"../\u{35C}x"`
    /// passed as one harmless-looking segment that wrote beside the download folder (found by the
    /// `artifact-reference` fuzz target, scripts/fuzz.sh).
    public init(_ path: String) throws(ValidationError) {
        let scalars = path.unicodeScalars
        guard !scalars.isEmpty else { throw .empty }
        if scalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) { throw .controlCharacter(path) }
        if scalars.contains("\\") { throw .backslash(path) }
        if scalars.first == "/" { throw .absolute(path) }
        var segments: [String] = []
        for part in scalars.split(separator: "/", omittingEmptySubsequences: true) {
            if part.elementsEqual(".".unicodeScalars) { continue }
            if part.elementsEqual("..".unicodeScalars) { throw .parentSegment(path) }
            segments.append(String(String.UnicodeScalarView(part)))
        }
        guard let first = segments.first else { throw .empty }
        // On the normalised path, so that `./C:` and `./~x` are refused like `C:` and `~x` (they are
        // written as those).
        if first.unicodeScalars.first == "~" { throw .absolute(path) }
        let lead = Array(first.unicodeScalars.prefix(2))
        if lead.count == 2, lead[1] == ":", lead[0].properties.isAlphabetic, lead[0].isASCII { throw .driveLetter(path) }
        self.segments = segments
    }

    /// `root/relativePath`, which by construction stays inside `root`.
    public func resolved(under root: String) -> String {
        (root.hasSuffix("/") ? root : root + "/") + relativePath
    }
}
