import CometAPI

/// Which button of a confirm dialog has the focus. Cancel is focused when a dialog opens, so a
/// stray Enter never starts anything.
public enum DialogButton: Sendable, Hashable {
    case cancel, confirm
    /// The other button (←/→ move between them).
    public var toggled: DialogButton { self == .cancel ? .confirm : .cancel }
}

/// The download confirm dialog (`d`): a planned download (``DownloadPlan``, made by the app from
/// the server's asset list and what exists at the destination) and the chosen overwrite strategy.
public struct DownloadDialog: Sendable, Hashable {
    public var plan: DownloadPlan
    /// FAIL by default (reference §4.6); Tab cycles FAIL → PRESERVE → OVERWRITE.
    public var strategy: OverwriteStrategy
    public var focus: DialogButton
    /// The destination's field while it is edited (`e`), or nil when not editing. Enter re-plans with it.
    public var destinationField: TextField?
    /// The destination being edited, or nil when not editing; setting it puts the cursor at the end.
    public var editedDestination: String? {
        get { destinationField?.text }
        set { destinationField = newValue.map { TextField($0) } }
    }
    /// The logical paths downloaded (`d` on an asset: one; `d` with marks: the marked ones), nil
    /// for the whole version.
    public var assets: [String]?
    /// Remote assets' S3 objects are fetched too (`r` toggles; off by default, and only offered
    /// with AWS credentials).
    public var includeRemote: Bool
    /// A re-plan (after `e` or `r`) is in flight: confirming waits for it, so the download never
    /// runs a plan the dialog no longer shows.
    public var planning = false

    public init(plan: DownloadPlan, strategy: OverwriteStrategy = .fail, focus: DialogButton = .cancel,
                assets: [String]? = nil, includeRemote: Bool = false) {
        self.plan = plan
        self.includeRemote = includeRemote
        self.strategy = strategy
        self.focus = focus
        self.destinationField = nil
        self.assets = assets
    }

    /// Entries that fail under the chosen strategy (FAIL with a different existing file, or a non-file in the way).
    public var conflicts: Int {
        plan.entries.filter { if case .conflict = DownloadPlan.decision(for: $0, strategy: strategy) { true } else { false } }.count
    }
}

/// The alias / tag editor (`a`, `t`): a text field holding the labels as a list
/// (``LabelGrammar``: comma-separated, quotes for a label with a comma), opened with the labels the
/// version (or artifact) had, then (after Enter) a review of the change against what the server
/// holds *now*, before it is written.
///
/// What is written is the user's change (``LabelDelta``: labels added to and removed from the field),
/// never the field's whole list: a label someone else added or removed while the editor was open
/// keeps their change, and the review says so (`hot was added by someone else; kept`).
public struct LabelDialog: Sendable, Hashable {
    public var kind: LabelKind
    public var workspace: String
    /// The artifact's name (not `workspace/name`).
    public var artifactName: String
    /// What the server had when the dialog opened: the artifact and all its versions.
    public var details: ArtifactDetails
    /// The version edited (nil for artifact tags).
    public var version: ArtifactVersion?
    /// The labels shown when the dialog opened: the base of the user's change.
    public var opened: [String]
    /// The field (text and cursor) the labels are typed in.
    public var field: TextField
    /// The field's text; setting it puts the cursor at the end.
    public var text: String {
        get { field.text }
        set { field.setText(newValue) }
    }
    /// The planned edit once Enter was pressed and the server's labels were read; nil while editing.
    public var review: LabelEdit?
    /// True while the server's current labels are read for the review (after Enter).
    public var checking: Bool
    /// Why the text was refused (an empty label, `latest` as an alias), shown under the field.
    public var error: String?
    public var focus: DialogButton

    public init(kind: LabelKind, workspace: String, artifactName: String, details: ArtifactDetails, version: ArtifactVersion?) {
        self.kind = kind
        self.workspace = workspace
        self.artifactName = artifactName
        self.details = details
        self.version = version
        let opened = LabelDialog.current(kind, details: details, version: version)
        self.opened = opened
        // A separator after the labels: typing appends a new label instead of extending the last one.
        self.field = TextField(opened.isEmpty ? "" : LabelGrammar.format(opened) + ", ")
        self.review = nil
        self.checking = false
        self.error = nil
        self.focus = .cancel
    }

    /// The labels of `kind` as `details` has them.
    public static func current(_ kind: LabelKind, details: ArtifactDetails, version: ArtifactVersion?) -> [String] {
        switch kind {
        case .alias: version?.aliases ?? []
        case .versionTag: version?.tags ?? []
        case .artifactTag: details.artifact.tags
        }
    }

    /// The user's change: labels in the field that were not there when it opened are added, labels
    /// that were there and are gone are removed. Added labels are validated.
    /// - Throws: ``ActionError/invalidLabel(_:)`` (a quote not closed, an empty or refused label).
    public func delta() throws -> LabelDelta {
        let wanted = try LabelGrammar.parse(text)
        let delta = LabelDelta.between(opened, wanted)
        for label in delta.add { _ = try LabelGrammar.validate(label, kind: kind) }
        return delta
    }

    /// `aliases of 2.0.0`, `version tags of 2.0.0`, `tags of artifact mnist`.
    public var title: String {
        switch kind {
        case .alias: "Aliases of \(artifactName):\(version?.version ?? "?")"
        case .versionTag: "Version tags of \(artifactName):\(version?.version ?? "?")"
        case .artifactTag: "Tags of artifact \(artifactName)"
        }
    }
}

/// The bump dialog (`b`): the next major, minor or patch version of a version, with a preview
/// (`1.2.0 → 1.3.0`), refused when that version exists.
public struct BumpDialog: Sendable, Hashable {
    public var workspace: String
    public var details: ArtifactDetails
    public var source: ArtifactVersion
    /// Minor by default; ←/→ or `M`/`m`/`p` choose.
    public var kind: SemanticVersion.Bump
    /// Whether the source's aliases move to the new version (Space toggles).
    public var withAliases: Bool
    public var focus: DialogButton

    public init(workspace: String, details: ArtifactDetails, source: ArtifactVersion,
                kind: SemanticVersion.Bump = .minor, withAliases: Bool = false) {
        self.workspace = workspace
        self.details = details
        self.source = source
        self.kind = kind
        self.withAliases = withAliases
        self.focus = .cancel
    }

    /// The plan (without assets: the app reads them when the bump runs), or why it is refused
    /// (the target exists, the source is not semver).
    public var outcome: Result<BumpPlan, ActionError> {
        do {
            return .success(try BumpPlan.make(workspace: workspace, source: source, kind: kind, details: details,
                                              assets: [], withAliases: withAliases))
        } catch let error as ActionError {
            return .failure(error)
        } catch {
            return .failure(.invalidLabel(String(describing: error)))
        }
    }
}

/// A version marked with `m` for `c` (compare).
public struct VersionMark: Sendable, Hashable {
    public var workspace: String
    public var artifact: String
    public var version: String
    public var versionId: String
    public init(workspace: String, artifact: String, version: String, versionId: String) {
        self.workspace = workspace
        self.artifact = artifact
        self.version = version
        self.versionId = versionId
    }
}

/// What a background job does.
public enum JobKind: Sendable, Hashable {
    /// Downloading files (``ArtifactDownloader``).
    case download
    /// Copying a version into a new one (``VersionCopier``).
    case bump
}
