import Foundation

/// The registry's JSON shapes, field by field as the Python SDK reads them (reference §2).
enum WireEncoding {
    /// Backend version reported by `isAlive/ver` (reference §5.4: ≥ 3.12.26 for remote batches, < 3.62.294).
    static let backendVersion = "3.40.0"

    /// An artifact as in `artifacts/get-all` and the top of `artifacts/get` (§2.3, §2.4).
    static func artifact(_ a: ArtifactRecord, versions: [VersionRecord], extra: [(String, WireJSON)] = []) -> WireJSON {
        let latest = VersionRules.latest(of: versions)
        return .object([
            ("artifactId", .string(a.id)),
            ("project", .optional(a.project)),
            ("type", .string(a.type)),
            ("name", .string(a.name)),
            ("description", .optional(a.description)),
            ("latestVersion", .optional(latest?.version)),
            ("tags", .strings(a.tags)),
            ("isPublic", .bool(false)),
            ("emoji", .null),
            ("sizeInBytes", .int(versions.reduce(0) { $0 + $1.sizeInBytes })),
            ("workspaceName", .string(a.workspaceName)),
            ("metadata", .optional(a.metadata)),
        ] + extra)
    }

    /// One entry of `artifacts/get` → `versions` (§2.4).
    static func versionSummary(_ v: VersionRecord) -> WireJSON {
        .object([
            ("artifactVersionId", .string(v.id)),
            ("version", .string(v.version)),
            ("owner", .string(v.owner)),
            ("metadata", .optional(v.metadata)),
            ("createdFrom", .optional(v.experimentKey)),
            ("sizeInBytes", .int(v.sizeInBytes)),
            ("state", .string(v.state.rawValue)),
            ("added", .int(v.addedMillis)),
            ("alias", .strings(v.aliases)),
            ("tags", .strings(v.tags)),
        ])
    }

    /// `artifacts/get` (§2.4).
    static func details(_ a: ArtifactRecord, versions: [VersionRecord]) -> WireJSON {
        artifact(a, versions: versions, extra: [("versions", .array(versions.map(versionSummary)))])
    }

    /// `artifacts/version` (§2.5): the first seven fields and the five `artifact` fields are required by the SDK.
    ///
    /// The nested `artifact` carries exactly the fields of the Java SDK's `ArtifactDto` (unknown ones
    /// as `null`): that class, unlike the others, does not ignore unknown properties, and the Java SDK
    /// reads answers with a default Jackson `ObjectMapper`, so one extra key (such as `projectName`,
    /// sent until issue 15) fails the whole read. `note` is the Java `ArtifactVersionDetail`'s.
    static func version(_ v: VersionRecord, of a: ArtifactRecord) -> WireJSON {
        .object([
            ("artifactVersionId", .string(v.id)),
            ("artifactVersion", .string(v.version)),
            ("alias", .strings(v.aliases)),
            ("tags", .strings(v.tags)),
            ("metadata", .optional(v.metadata)),
            ("sizeInBytes", .int(v.sizeInBytes)),
            ("experimentKey", .optional(v.experimentKey)),
            ("artifact", .object([
                ("artifactId", .string(a.id)),
                ("artifactName", .string(a.name)),
                ("artifactType", .string(a.type)),
                ("tags", .strings(a.tags)),
                ("workspaceName", .string(a.workspaceName)),
                ("description", .optional(a.description)),
                ("isPublic", .bool(false)),
                ("emoji", .null),
                ("projectId", .optional(a.project.map { RegistryResponder.projectId(workspace: a.workspaceName, project: $0) })),
                ("workspaceId", .null),
                ("experimentKey", .null),
                ("version", .null),
                ("metadata", .optional(a.metadata)),
                ("owner", .null),
                ("s3FileSize", .null),
            ])),
            ("note", .null),
            ("owner", .string(v.owner)),
            ("state", .string(v.state.rawValue)),
            ("added", .int(v.addedMillis)),
            ("createdFrom", .optional(v.experimentKey)),
        ])
    }

    /// One entry of `artifacts/version/files` (§2.6). `metadata` stays a JSON string or null.
    /// `contentSha256` (lower-case hex SHA-256 of the stored bytes; null for remote assets) is
    /// arty's addition: Comet's clients ignore unknown fields (the Python SDK reads fields by name,
    /// the Java SDK's `ArtifactVersionAsset` ignores unknown properties), and arty uses it to verify
    /// downloads, to keep unchanged files without transferring them, and to compare versions.
    static func file(_ f: AssetRecord, checksum: Bool = true) -> WireJSON {
        var fields: [(String, WireJSON)] = [
            ("artifactId", .string(f.artifactId)),
            ("artifactVersionId", .string(f.versionId)),
            ("assetId", .string(f.assetId)),
            ("fileName", .string(f.logicalPath)),
            ("fileSize", .int(f.size)),
            ("link", .optional(f.link)),
            ("dir", .null),
            ("type", .string(f.type)),
            ("metadata", .optional(f.metadata)),
            ("remote", .bool(f.isRemote)),
        ]
        if checksum { fields.append(("contentSha256", .optional(f.isRemote ? nil : f.sha256))) }
        return .object(fields)
    }

    /// The success body of write endpoints.
    static let ok: WireJSON = .object([("msg", .string("ok")), ("code", .int(200)), ("sdk_error_code", .int(0))])
}
