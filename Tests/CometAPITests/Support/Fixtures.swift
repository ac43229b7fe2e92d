/// The response examples of the wire reference (../shared/reference/comet-rest-v2.md), verbatim.
enum Fixtures {
    /// §2.1 `GET workspaces`.
    static let workspaces = #"{"workspaceNames": ["ws-a", "ws-b"]}"#

    /// §2.2 `GET account-details`.
    static let accountDetails = #"{"userName": "alice", "defaultWorkspaceName": "alice"}"#

    /// §2.3 `GET artifacts/get-all`.
    static let artifactsGetAll = #"""
    {"artifacts": [
      {"artifactId": "3f0c2a9e-0d4b-4c57-9d43-1b2f6a7c8e11", "project": "vision",
       "type": "dataset", "name": "cats", "description": null, "latestVersion": "3.0.0",
       "tags": ["raw"], "isPublic": false, "emoji": null, "sizeInBytes": 52341}
    ]}
    """#

    /// §2.4 `GET artifacts/get`.
    static let artifactsGet = #"""
    {"artifactId": "3f0c2a9e-0d4b-4c57-9d43-1b2f6a7c8e11", "project": "vision",
     "type": "dataset", "name": "cats", "description": null, "latestVersion": "2.0.0",
     "tags": [], "isPublic": false, "emoji": null, "sizeInBytes": 52341,
     "versions": [
       {"artifactVersionId": "a1b2c3d4-0000-4000-8000-000000000001", "version": "1.0.0",
        "owner": "alice", "metadata": null, "createdFrom": null, "sizeInBytes": 0,
        "state": null, "added": 1700000000000, "alias": ["prod"], "tags": ["v-tag"]},
       {"artifactVersionId": "a1b2c3d4-0000-4000-8000-000000000002", "version": "2.0.0",
        "owner": "alice", "metadata": "{\"epochs\":3}", "createdFrom": "9f8e7d6c5b4a39281706f5e4d3c2b1a0",
        "sizeInBytes": 52341, "state": "CLOSED", "added": 1700000500000,
        "alias": ["Latest"], "tags": []}]}
    """#

    /// §2.5 `GET artifacts/version`.
    static let artifactsVersion = #"""
    {"artifactVersionId": "a1b2c3d4-0000-4000-8000-000000000002",
     "artifactVersion": "2.0.0",
     "alias": ["prod"],
     "tags": ["v-tag"],
     "metadata": "{\"epochs\":3}",
     "sizeInBytes": 52341,
     "experimentKey": "9f8e7d6c5b4a39281706f5e4d3c2b1a0",
     "artifact": {"artifactId": "3f0c2a9e-0d4b-4c57-9d43-1b2f6a7c8e11",
                  "artifactName": "cats", "artifactType": "dataset",
                  "tags": ["raw"], "workspaceName": "alice"},
     "owner": "alice", "state": "CLOSED", "added": 1700000500000, "createdFrom": null}
    """#

    /// §2.6 `GET artifacts/version/files`.
    static let versionFiles = #"""
    {"files": [
      {"artifactId": "3f0c2a9e-0d4b-4c57-9d43-1b2f6a7c8e11",
       "artifactVersionId": "a1b2c3d4-0000-4000-8000-000000000002",
       "assetId": "0d5f2c1b9a8e4f7d6c5b4a3928171605", "fileName": "data/train.csv",
       "fileSize": 52311, "link": null, "dir": null, "type": "asset",
       "metadata": "{\"rows\":1000}", "remote": false},
      {"artifactId": "3f0c2a9e-0d4b-4c57-9d43-1b2f6a7c8e11",
       "artifactVersionId": "a1b2c3d4-0000-4000-8000-000000000002",
       "assetId": "1e6a3d2c0b9f4e8d7c6b5a4938271606", "fileName": "raw.parquet",
       "fileSize": 0, "link": "s3://bucket/raw.parquet", "dir": null, "type": "asset",
       "metadata": null, "remote": true}]}
    """#

    /// §2.9 `POST write/artifacts/upsert` answer.
    static let upsertResponse = #"""
    {"artifactId": "3f0c2a9e-0d4b-4c57-9d43-1b2f6a7c8e11",
     "artifactVersionId": "a1b2c3d4-0000-4000-8000-000000000003",
     "currentVersion": "3.0.0", "previousVersion": "2.0.0"}
    """#

    /// §5.3: a missing artifact.
    static let notFoundError = #"{"msg": "Artifact version not found", "code": 400, "sdk_error_code": 624523}"#
}
