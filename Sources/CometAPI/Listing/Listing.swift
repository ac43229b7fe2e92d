import Foundation

/// What `arty ls` prints, as plain tables or JSON. Pure: every function maps models to text.
public enum Listing {
    /// What `arty ls [WORKSPACE[/ARTIFACT[:VERSION|ALIAS]]]` was asked to list.
    public enum Target: Sendable, Hashable {
        case workspaces
        case artifacts(workspace: String)
        case versions(workspace: String, artifact: String)
        case assets(workspace: String, artifact: String, selector: VersionSelector)

        /// Parses the optional argument: nothing lists workspaces, `WORKSPACE` its artifacts,
        /// `WORKSPACE/ARTIFACT` its versions, `WORKSPACE/ARTIFACT:VERSION|ALIAS` that version's assets.
        /// - Throws: ``ArtifactReference/ParseError`` for a malformed reference.
        public static func parse(_ text: String?) throws(ArtifactReference.ParseError) -> Target {
            guard let text else { return .workspaces }
            // An empty argument (`arty ls ''`, usually an unset shell variable) is a mistake, not "everything".
            guard !text.trimmingCharacters(in: .whitespaces).isEmpty else { throw .empty }
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            if !trimmed.contains("/") {
                if trimmed.contains(":") { throw .missingArtifact(trimmed) }
                return .artifacts(workspace: trimmed)
            }
            let reference = try ArtifactReference.parse(trimmed)
            guard let selector = reference.selector else {
                return .versions(workspace: reference.workspace, artifact: reference.artifact)
            }
            return .assets(workspace: reference.workspace, artifact: reference.artifact, selector: selector)
        }
    }

    /// Fetches and renders what `target` names, as a table or as JSON (`json`).
    /// - Throws: whatever `reader` throws (``CometAPIError`` for ``CometClient``).
    /// - Parameter inspector: reads facts about remote assets' links (S3 sizes) for the assets
    ///   listing; nil reads none.
    ///   - lineage: reads the version's lineage for a version's listing: the table ends with a
    ///     `produced by …` line (``lineageLine(_:)``); nil reads none.
    ///   - lineageJSON: with `json`, a version's listing is one object with its lineage and its
    ///     assets (``VersionListing``) instead of the array of asset rows.
    public static func render(_ target: Target, from reader: some ArtifactReading, json: Bool,
                              inspector: RemoteAssetInspector? = nil, lineage: (any LineageReading)? = nil,
                              lineageJSON: Bool = false) async throws -> String {
        if case .assets(let workspace, let artifact, let selector) = target, let lineage {
            let version = try await reader.artifactVersion(workspace: workspace, name: artifact, selector: selector)
            let assets = try await reader.assets(workspace: workspace, name: artifact, selector: .versionId(version.artifactVersionId))
            var rows = rows(assets: assets, resolvedVersion: version.version)
            if let inspector { rows = await withStoreFacts(rows, inspector: inspector) }
            let known: Result<VersionLineage, any Error>
            do { known = .success(try await lineage.lineage(of: version)) } catch { known = .failure(error) }
            if json, lineageJSON {
                let l = try known.get()
                return Self.json(VersionListing(workspace: workspace, artifact: artifact, version: version.version,
                                                artifactVersionId: version.artifactVersionId,
                                                lineage: LineageRow(l), assets: rows))
            }
            if json { return Self.json(rows) }
            let line: String = switch known {
            case .success(let l): lineageLine(l)
            case .failure(let error): "lineage: could not be read (\((error as? CometAPIError)?.userMessage ?? String(describing: error)))"
            }
            var head = ""
            if case .version = selector {} else { head = resolution(selector, to: version.version) + "\n" }
            return head + table(rows) + "\n" + TerminalText.escape(line)
        }
        switch target {
        case .workspaces:
            let rows = rows(workspaces: try await reader.workspaces())
            return json ? Self.json(rows) : table(rows)
        case .artifacts(let workspace):
            let rows = rows(artifacts: try await reader.artifacts(workspace: workspace, type: nil))
            return json ? Self.json(rows) : table(rows)
        case .versions(let workspace, let artifact):
            let details = try await reader.artifactDetails(workspace: workspace, name: artifact)
            let rows = rows(versions: details.versions)
            return json ? Self.json(rows) : table(rows)
        case .assets(let workspace, let artifact, .version(let version)):
            var rows = rows(assets: try await reader.assets(workspace: workspace, name: artifact, selector: .version(version)),
                            resolvedVersion: version)
            if let inspector { rows = await withStoreFacts(rows, inspector: inspector) }
            return json ? Self.json(rows) : table(rows)
        case .assets(let workspace, let artifact, let selector):
            // An alias (or a version id) is resolved once, and the assets are those of that one
            // version; the table says what it resolved to, the JSON rows carry it (`resolvedVersion`).
            let version = try await reader.artifactVersion(workspace: workspace, name: artifact, selector: selector)
            let assets = try await reader.assets(workspace: workspace, name: artifact, selector: .versionId(version.artifactVersionId))
            var rows = rows(assets: assets, resolvedVersion: version.version)
            if let inspector { rows = await withStoreFacts(rows, inspector: inspector) }
            return json ? Self.json(rows) : resolution(selector, to: version.version) + "\n" + table(rows)
        }
    }

    // MARK: rows (the JSON shapes)

    /// A version's lineage in JSON: `producer` (`null` when the version names none), `consumers`
    /// (`null` when the server cannot list them, see `consumersAvailable`). Experiments are
    /// `{experimentKey, experimentName, projectName, workspaceName, added}` (nulls where unknown).
    public struct LineageRow: Sendable, Hashable, Encodable {
        public var producer: ExperimentSummary?
        public var consumers: [ExperimentSummary]?
        public var consumersAvailable: Bool

        public init(_ lineage: VersionLineage) {
            producer = lineage.producer
            consumers = lineage.consumers
            consumersAvailable = lineage.consumers != nil
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(producer.map(ExperimentRow.init), forKey: .producer)
            try c.encode(consumers.map { $0.map(ExperimentRow.init) }, forKey: .consumers)
            try c.encode(consumersAvailable, forKey: .consumersAvailable)
        }
        private enum CodingKeys: String, CodingKey { case producer, consumers, consumersAvailable }
    }

    /// One experiment of a ``LineageRow``, every key present.
    struct ExperimentRow: Encodable {
        var e: ExperimentSummary
        init(_ e: ExperimentSummary) { self.e = e }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: ExperimentSummary.CodingKeys.self)
            try c.encode(e.experimentKey, forKey: .experimentKey)
            try c.encode(e.experimentName, forKey: .experimentName)
            try c.encode(e.projectName, forKey: .projectName)
            try c.encode(e.workspaceName, forKey: .workspaceName)
            try c.encode(e.addedMillis, forKey: .addedMillis)
        }
    }

    /// `arty ls WS/NAME:VERSION --json --lineage`: the version, its lineage and its asset rows.
    public struct VersionListing: Sendable, Hashable, Encodable {
        public var workspace: String
        public var artifact: String
        public var version: String
        public var artifactVersionId: String
        public var lineage: LineageRow
        public var assets: [AssetRow]
    }

    /// The line under a version's asset table: `produced by KEY (name · ws/project) · consumed by
    /// KEY2, KEY3`, `· consumed by none`, or `· consumers not available from this server`.
    public static func lineageLine(_ l: VersionLineage) -> String {
        let producer = l.producer.map { "produced by \($0.label)" } ?? "produced by no recorded experiment"
        let consumers: String = switch l.consumers {
        case nil: "consumers " + VersionLineage.consumersUnavailable
        case let list? where list.isEmpty: "consumed by none"
        case let list?: "consumed by " + list.map(\.label).joined(separator: ", ")
        }
        return producer + " · " + consumers
    }

    /// A workspace row: `{"name": "ws"}`.
    public struct WorkspaceRow: Sendable, Hashable, Codable {
        public var name: String
    }

    /// An artifact row; `sizeInBytes` in bytes.
    public struct ArtifactRow: Sendable, Hashable, Codable {
        public var name: String
        public var type: String
        public var latestVersion: String?
        public var tags: [String]
        public var sizeInBytes: Int64
        public var artifactId: String

        /// Absent values are written as `null`, so every row has every key.
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(name, forKey: .name)
            try c.encode(type, forKey: .type)
            try c.encode(latestVersion, forKey: .latestVersion)
            try c.encode(tags, forKey: .tags)
            try c.encode(sizeInBytes, forKey: .sizeInBytes)
            try c.encode(artifactId, forKey: .artifactId)
        }
    }

    /// A version row; `added` is ISO 8601 UTC, `addedMillis` epoch milliseconds.
    public struct VersionRow: Sendable, Hashable, Codable {
        public var version: String
        public var aliases: [String]
        public var tags: [String]
        public var state: String?
        public var sizeInBytes: Int64
        public var added: String?
        public var addedMillis: Int64?
        public var owner: String?
        public var artifactVersionId: String

        /// Absent values are written as `null`, so every row has every key.
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(version, forKey: .version)
            try c.encode(aliases, forKey: .aliases)
            try c.encode(tags, forKey: .tags)
            try c.encode(state, forKey: .state)
            try c.encode(sizeInBytes, forKey: .sizeInBytes)
            try c.encode(added, forKey: .added)
            try c.encode(addedMillis, forKey: .addedMillis)
            try c.encode(owner, forKey: .owner)
            try c.encode(artifactVersionId, forKey: .artifactVersionId)
        }
    }

    /// An asset row; `size` in bytes (0 for remote assets).
    public struct AssetRow: Sendable, Hashable, Codable {
        public var logicalPath: String
        public var size: Int64
        public var remote: Bool
        public var link: String?
        public var assetId: String
        /// The content checksum the server gives (hex; the local registry's SHA-256), else null.
        public var checksum: String?
        /// For a remote asset, what its object store says about the link (``RemoteAssetFacts``),
        /// else null.
        public var storeFacts: RemoteAssetFacts?
        /// The asset's metadata, kept to find the SDK's synced-object facts; not encoded.
        public var metadata: JSONValue?
        /// The concrete version listed (what an alias such as `production` resolved to), else null.
        public var resolvedVersion: String?

        public init(logicalPath: String, size: Int64, remote: Bool, link: String?, assetId: String, checksum: String? = nil,
                    resolvedVersion: String? = nil) {
            self.logicalPath = logicalPath
            self.size = size
            self.remote = remote
            self.link = link
            self.assetId = assetId
            self.checksum = checksum
            self.resolvedVersion = resolvedVersion
        }

        /// `link`, `checksum`, `storeFacts` and `resolvedVersion` are written as `null` when absent, so every row has every key.
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(logicalPath, forKey: .logicalPath)
            try c.encode(size, forKey: .size)
            try c.encode(remote, forKey: .remote)
            try c.encode(link, forKey: .link)
            try c.encode(assetId, forKey: .assetId)
            try c.encode(checksum, forKey: .checksum)
            try c.encode(storeFacts, forKey: .storeFacts)
            try c.encode(resolvedVersion, forKey: .resolvedVersion)
        }

        private enum CodingKeys: String, CodingKey { case logicalPath, size, remote, link, assetId, checksum, storeFacts, resolvedVersion }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            self.init(logicalPath: try c.decode(String.self, forKey: .logicalPath), size: try c.decode(Int64.self, forKey: .size),
                      remote: try c.decode(Bool.self, forKey: .remote), link: try c.decodeIfPresent(String.self, forKey: .link),
                      assetId: try c.decode(String.self, forKey: .assetId), checksum: try c.decodeIfPresent(String.self, forKey: .checksum),
                      resolvedVersion: try c.decodeIfPresent(String.self, forKey: .resolvedVersion))
        }
    }

    public static func rows(workspaces: [String]) -> [WorkspaceRow] {
        workspaces.sorted { $0.localizedStandardCompare($1) == .orderedAscending }.map { WorkspaceRow(name: $0) }
    }

    public static func rows(artifacts: [Artifact]) -> [ArtifactRow] {
        artifacts.sorted { $0.name.localizedStandardCompare($1.name) == .orderedAscending }.map {
            ArtifactRow(name: $0.name, type: $0.type, latestVersion: $0.latestVersion, tags: $0.tags,
                        sizeInBytes: $0.sizeInBytes, artifactId: $0.artifactId)
        }
    }

    /// Newest first: by semantic version (highest first), versions that are not semver last, by date.
    public static func rows(versions: [ArtifactVersion]) -> [VersionRow] {
        newestFirst(versions).map {
            VersionRow(version: $0.version, aliases: $0.aliases, tags: $0.tags, state: $0.state?.rawValue,
                       sizeInBytes: $0.sizeInBytes, added: $0.addedMillis.map(isoDate), addedMillis: $0.addedMillis,
                       owner: $0.owner, artifactVersionId: $0.artifactVersionId)
        }
    }

    /// Asset rows by logical path; each carries `resolvedVersion`, the concrete version listed.
    public static func rows(assets: [Asset], resolvedVersion: String? = nil) -> [AssetRow] {
        assets.sorted { $0.logicalPath < $1.logicalPath }.map {
            var row = AssetRow(logicalPath: $0.logicalPath, size: $0.size, remote: $0.isRemote, link: $0.link, assetId: $0.assetId,
                               checksum: $0.checksum, resolvedVersion: resolvedVersion)
            row.metadata = $0.metadata
            return row
        }
    }

    /// The line above an alias's asset table: `production → 1.2.0` (escaped for the terminal).
    public static func resolution(_ selector: VersionSelector, to version: String) -> String {
        TerminalText.escape("\(selector) → \(version)")
    }

    /// `rows` with ``AssetRow/storeFacts`` filled for remote assets, at most 8 links read at once.
    public static func withStoreFacts(_ rows: [AssetRow], inspector: RemoteAssetInspector) async -> [AssetRow] {
        var out = rows
        let remote = rows.indices.filter { rows[$0].remote }
        await withTaskGroup(of: (Int, RemoteAssetFacts?).self) { group in
            var next = 0
            func add() {
                guard next < remote.count else { return }
                let index = remote[next]
                next += 1
                let row = rows[index]
                let asset = Asset(assetId: row.assetId, logicalPath: row.logicalPath, size: row.size, link: row.link,
                                  isRemote: true, metadata: row.metadata)
                group.addTask { (index, await inspector.facts(for: asset)) }
            }
            for _ in 0..<8 { add() }
            while let (index, facts) = await group.next() {
                out[index].storeFacts = facts
                add()
            }
        }
        return out
    }

    /// Versions ordered newest first (see ``rows(versions:)``).
    public static func newestFirst(_ versions: [ArtifactVersion]) -> [ArtifactVersion] {
        versions.sorted { a, b in
            switch (a.semanticVersion, b.semanticVersion) {
            case let (x?, y?) where !x.hasSamePrecedence(as: y): return y < x
            case (.some, nil): return true
            case (nil, .some): return false
            default: return (a.addedMillis ?? 0) > (b.addedMillis ?? 0)
            }
        }
    }

    // MARK: text

    public static func table(_ rows: [WorkspaceRow]) -> String {
        table(header: ["WORKSPACE"], rows: rows.map { [$0.name] })
    }

    public static func table(_ rows: [ArtifactRow]) -> String {
        table(header: ["NAME", "TYPE", "LATEST", "TAGS", "SIZE"],
              rows: rows.map { [$0.name, $0.type, $0.latestVersion ?? "-", list($0.tags), byteCount($0.sizeInBytes)] },
              rightAligned: [4])
    }

    public static func table(_ rows: [VersionRow]) -> String {
        table(header: ["VERSION", "ALIASES", "TAGS", "STATE", "SIZE", "ADDED", "OWNER"],
              rows: rows.map {
                  [$0.version, list($0.aliases), list($0.tags), $0.state ?? "-", byteCount($0.sizeInBytes),
                   $0.addedMillis.map(shortDate) ?? "-", $0.owner ?? "-"]
              },
              rightAligned: [4])
    }

    public static func table(_ rows: [AssetRow]) -> String {
        table(header: ["LOGICAL PATH", "SIZE (BYTES)", "REMOTE", "LINK"],
              rows: rows.map { [$0.logicalPath, $0.storeFacts.map(\.sizeLabel) ?? ($0.remote ? "remote" : String($0.size)), $0.remote ? "yes" : "no", $0.link ?? "-"] },
              rightAligned: [1])
    }

    /// Pretty JSON (sorted keys) of any rows.
    public static func json<T: Encodable>(_ value: T) -> String {
        JSONText.pretty(value, fallback: "[]")
    }

    /// Left-aligned columns separated by two spaces, no trailing spaces; control characters in
    /// cells are shown as visible escapes (``TerminalText``) so that a name cannot move the cursor.
    public static func table(header: [String], rows: [[String]], rightAligned: Set<Int> = []) -> String {
        let all = [header] + rows.map { $0.map(printable) }
        var widths = Array(repeating: 0, count: header.count)
        for row in all { for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], displayWidth(cell)) } }
        return all.map { row in
            row.enumerated().map { i, cell in
                let pad = String(repeating: " ", count: max(0, widths[i] - displayWidth(cell)))
                if rightAligned.contains(i) { return pad + cell }
                return i == row.count - 1 ? cell : cell + pad
            }.joined(separator: "  ").trimmingTrailingSpaces()
        }.joined(separator: "\n")
    }

    /// Terminal columns `text` takes: 2 for East Asian wide and fullwidth characters and emoji,
    /// 0 for combining marks and zero-width joiners, 1 otherwise (an approximation of `wcwidth`).
    public static func displayWidth(_ text: String) -> Int {
        text.reduce(0) { total, character in
            guard let first = character.unicodeScalars.first else { return total }
            if first.properties.isEmojiPresentation || character.unicodeScalars.contains(where: { $0.value == 0xFE0F }) {
                return total + 2
            }
            switch first.value {
            case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
                 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6,
                 0x20000...0x2FFFD, 0x30000...0x3FFFD:
                return total + 2
            case 0x200B...0x200F: return total
            default:
                return total + (first.properties.generalCategory == .nonspacingMark ? 0 : 1)
            }
        }
    }

    /// A byte count in binary units, the one form the CLI and the TUI share: `0 B`, `512 B`, `1.5 KiB`,
    /// `52.3 MiB`, `4.0 GiB`. One decimal from KiB up, rounded half away from zero; a value that would
    /// round to 1024.0 of a unit is shown in the next (`1.0 MiB`, not `1024.0 KiB`); negative counts
    /// (a malformed reply) are `?`.
    public static func byteCount(_ bytes: Int64) -> String {
        guard bytes >= 0 else { return "?" }
        if bytes < 1024 { return "\(bytes) B" }
        let units = ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]
        var value = Double(bytes) / 1024
        var unit = 0
        while value >= 1023.95, unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        let tenths = (value * 10).rounded()
        return "\(Int(tenths) / 10).\(Int(tenths) % 10) \(units[unit])"
    }

    /// Labels for a table cell: comma-separated, a label holding a comma or quote quoted (``LabelGrammar``).
    static func list(_ items: [String]) -> String { items.isEmpty ? "-" : items.map(LabelGrammar.quotedIfNeeded).joined(separator: ",") }

    static func printable(_ s: String) -> String { TerminalText.escape(s) }

    /// `2023-11-14T22:13:20Z`.
    public static func isoDate(_ millis: Int64) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        return f.string(from: Date(timeIntervalSince1970: Double(millis) / 1000))
    }

    /// `2023-11-14 22:13` (UTC).
    public static func shortDate(_ millis: Int64) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyy-MM-dd HH:mm"
        return f.string(from: Date(timeIntervalSince1970: Double(millis) / 1000))
    }
}

extension String {
    /// The string without trailing spaces. Linear: a `\s+$` regex backtracks quadratically over a
    /// long run of padding (a 4,096-character name made `arty ls` take seconds).
    func trimmingTrailingSpaces() -> String {
        var end = endIndex
        while end > startIndex, self[index(before: end)] == " " { end = index(before: end) }
        return String(self[..<end])
    }
}
