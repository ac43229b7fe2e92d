import CometAPI
import Crypto
import Foundation
import Testing

@Suite("AWS settings from the environment and the AWS files (issue 16)")
struct AWSSettingsTests {
    private func resolve(_ env: [String: String], files: [String: String] = [:]) -> S3Settings? {
        S3Settings.resolve(environment: ["HOME": "/home/u"].merging(env) { $1 }) { files[$0] }
    }

    @Test func noCredentialsMeansNothingIsRead() {
        #expect(resolve([:]) == nil)
        #expect(resolve(["AWS_ACCESS_KEY_ID": "AKIAONLYKEY"]) == nil)
        #expect(resolve(["AWS_ENDPOINT_URL_S3": "http://127.0.0.1:9000"]) == nil)
    }

    @Test func environmentCredentialsWinOverTheProfile() throws {
        let files = ["/home/u/.aws/credentials": "[default]\naws_access_key_id = AKIAFILE\naws_secret_access_key = file-secret\n"]
        let s = try #require(resolve(["AWS_ACCESS_KEY_ID": "AKIAENV", "AWS_SECRET_ACCESS_KEY": "env-secret-value",
                                      "AWS_SESSION_TOKEN": "env-token-value"], files: files))
        #expect(s.credentials == AWSCredentials(accessKeyId: "AKIAENV", secretAccessKey: "env-secret-value", sessionToken: "env-token-value"))
        #expect(s.source == "environment")
        #expect(s.region == "us-east-1")
        #expect(s.endpoint == nil && !s.usesPathStyle)
    }

    @Test func namedProfileFromBothFilesWithRegionAndEndpoint() throws {
        let files = [
            "/home/u/.aws/credentials": """
                # comment
                [default]
                aws_access_key_id = AKIADEFAULT
                aws_secret_access_key = default-secret
                [Team]
                aws_access_key_id = AKIATEAM
                aws_secret_access_key = team-secret
                aws_session_token = team-token
                """,
            "/home/u/.aws/config": """
                [default]
                region = eu-west-1
                [profile team]
                region = eu-central-1
                endpoint_url = http://minio.local:9000/
                """,
        ]
        let s = try #require(resolve(["AWS_PROFILE": "team"], files: files))
        #expect(s.credentials.accessKeyId == "AKIATEAM")
        #expect(s.credentials.sessionToken == "team-token")
        #expect(s.region == "eu-central-1")
        #expect(s.endpoint == "http://minio.local:9000")
        #expect(s.source == "profile team")
        let d = try #require(resolve([:], files: files))
        #expect(d.credentials.accessKeyId == "AKIADEFAULT" && d.region == "eu-west-1")
    }

    @Test func credentialsInTheConfigFileAndCustomFileLocations() throws {
        let files = ["/etc/aws-config": "[profile ci]\naws_access_key_id=AKIACI\naws_secret_access_key=ci-secret\n"]
        let s = try #require(resolve(["AWS_CONFIG_FILE": "/etc/aws-config", "AWS_SHARED_CREDENTIALS_FILE": "/nowhere",
                                      "AWS_DEFAULT_PROFILE": "ci", "AWS_DEFAULT_REGION": "ap-south-1"], files: files))
        #expect(s.credentials.accessKeyId == "AKIACI" && s.region == "ap-south-1")
    }

    @Test func endpointPrecedenceAndOptOut() throws {
        let base = ["AWS_ACCESS_KEY_ID": "AKIAX", "AWS_SECRET_ACCESS_KEY": "secret-x"]
        #expect(resolve(base.merging(["AWS_ENDPOINT_URL": "http://a:1", "AWS_ENDPOINT_URL_S3": "http://s3:2"]) { $1 })?.endpoint == "http://s3:2")
        #expect(resolve(base.merging(["AWS_ENDPOINT_URL": "http://a:1"]) { $1 })?.endpoint == "http://a:1")
        #expect(resolve(base.merging(["AWS_ENDPOINT_URL": "http://a:1", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true"]) { $1 })?.endpoint == nil)
        #expect(resolve(base.merging(["AWS_REGION": "us-west-2", "AWS_DEFAULT_REGION": "eu-west-1"]) { $1 })?.region == "us-west-2")
    }

    @Test func theSecretAndTheTokenAreRedactedEverywhere() throws {
        let s = try #require(resolve(["AWS_ACCESS_KEY_ID": "AKIAREDACT", "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG+bPxRfiCY",
                                      "AWS_SESSION_TOKEN": "FwoGZXIvYXdzEJr//////////token+with/slashes="]))
        let text = "secret wJalrXUtnFEMI/K7MDENG+bPxRfiCY token FwoGZXIvYXdzEJr//////////token+with/slashes= and "
            + QueryEncoding.percentEncode("FwoGZXIvYXdzEJr//////////token+with/slashes=")
        let redacted = Redaction.redact(text)
        #expect(!redacted.contains("wJalrXUtnFEMI") && !redacted.contains("FwoGZXIvYXdzEJr"))
        #expect(!"\(s.credentials)".contains("wJalrXUtnFEMI"))
        let signature = AWSSignature(credentials: s.credentials, region: "us-east-1")
        #expect(!signature.description.contains("wJalrXUtnFEMI") && !signature.description.contains("FwoGZ"))
        #expect(signature.curlProvider == "aws:amz:us-east-1:s3")
    }
}

@Suite("s3:// links, URLs and SigV4 encoding (issue 16)")
struct S3LocationTests {
    private let aws = S3Settings(credentials: AWSCredentials(accessKeyId: "AKIA", secretAccessKey: "secret-s"))
    private let minio = S3Settings(credentials: AWSCredentials(accessKeyId: "AKIA", secretAccessKey: "secret-s"),
                                   endpoint: "http://127.0.0.1:9000")

    @Test(arguments: [
        ("s3://bucket/data/train.csv", "bucket", "data/train.csv", false),
        ("S3://bucket/data/", "bucket", "data/", true),
        ("s3://bucket", "bucket", "", true),
        ("s3://my.bucket-1/a/../b", "my.bucket-1", "a/../b", false),
        ("s3://bucket//leading", "bucket", "/leading", false),
    ])
    func parses(link: String, bucket: String, key: String, isPrefix: Bool) throws {
        let l = try #require(S3Location(link: link))
        #expect(l.bucket == bucket && l.key == key && l.isPrefix == isPrefix)
    }

    @Test(arguments: ["gs://bucket/x", "https://bucket/x", "s3://", "s3://AB/x", "s3://ab/x", "s3://-bucket/x", "s3://bucket_x/y",
                      "s3://\(String(repeating: "a", count: 64))/k"])
    func refuses(link: String) {
        #expect(S3Location(link: link) == nil)
    }

    @Test func encodesEveryByteButTheUnreserved() {
        #expect(S3Location.encode("a b+c/é~_.-") == "a%20b%2Bc%2F%C3%A9~_.-")
        #expect(S3Location.encode("dir/sub dir/x", keepSlash: true) == "dir/sub%20dir/x")
        #expect(S3Location.encode("\u{1}%") == "%01%25")
    }

    @Test func objectURLsPathStyleForEndpointsVirtualHostedForAWS() throws {
        let l = try #require(S3Location(link: "s3://bkt/sub dir/é+x.txt"))
        #expect(l.objectURL(settings: minio, region: "us-east-1") == "http://127.0.0.1:9000/bkt/sub%20dir/%C3%A9%2Bx.txt")
        #expect(l.objectURL(settings: aws, region: "us-east-1") == "https://bkt.s3.amazonaws.com/sub%20dir/%C3%A9%2Bx.txt")
        #expect(l.objectURL(settings: aws, region: "eu-west-1", versionId: "v 1") == "https://bkt.s3.eu-west-1.amazonaws.com/sub%20dir/%C3%A9%2Bx.txt?versionId=v%201")
        let dotted = try #require(S3Location(link: "s3://my.bkt/k"))
        #expect(dotted.objectURL(settings: aws, region: "eu-west-1") == "https://s3.eu-west-1.amazonaws.com/my.bkt/k")
    }

    @Test func listURLsHaveTheQuerySortedAsSigV4Wants() throws {
        let l = try #require(S3Location(link: "s3://bkt/data/"))
        #expect(l.listURL(settings: minio, region: "us-east-1", continuationToken: nil)
                == "http://127.0.0.1:9000/bkt/?encoding-type=url&list-type=2&max-keys=1000&prefix=data%2F")
        #expect(l.listURL(settings: minio, region: "us-east-1", continuationToken: "1/a+b=", maxKeys: 5)
                == "http://127.0.0.1:9000/bkt/?continuation-token=1%2Fa%2Bb%3D&encoding-type=url&list-type=2&max-keys=5&prefix=data%2F")
    }
}

@Suite("S3 XML answers (issue 16)")
struct S3ResponseTests {
    @Test func parsesAListingPage() throws {
        let xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>bkt</Name><Prefix>data/</Prefix>
            <IsTruncated>true</IsTruncated><NextContinuationToken>tok/en=</NextContinuationToken>
            <Contents><Key>data/a &amp; b.csv</Key><LastModified>2026-12-03T11:45:56.000Z</LastModified><ETag>&quot;5d41402abc4b2a76b9719d911017c592&quot;</ETag><Size>5</Size></Contents>
            <Contents><Key> data/lead space</Key><Size>7</Size><ETag>"abc-3"</ETag></Contents>
            <Contents><Key>data/no-size</Key></Contents>
            <Contents><Key>data/negative</Key><Size>-1</Size></Contents>
            </ListBucketResult>
            """
        let page = try #require(S3Response.listPage(Data(xml.utf8)))
        #expect(page.isTruncated && page.nextContinuationToken == "tok/en=")
        #expect(page.objects.map(\.key) == ["data/a & b.csv", " data/lead space"])
        #expect(page.objects[0].size == 5 && page.objects[0].eTag == "5d41402abc4b2a76b9719d911017c592")
        #expect(page.objects[0].lastModified == "2026-12-03T11:45:56.000Z")
        #expect(S3Response.md5(fromETag: page.objects[0].eTag) == "5d41402abc4b2a76b9719d911017c592")
        #expect(S3Response.md5(fromETag: page.objects[1].eTag) == nil)  // multipart: not an MD5
    }

    @Test func parsesErrorsAndRefusesOtherDocuments() {
        let error = S3Response.error(Data("<Error><Code>NoSuchBucket</Code><Message>The specified bucket does not exist</Message></Error>".utf8))
        #expect(error == S3ErrorBody(code: "NoSuchBucket", message: "The specified bucket does not exist"))
        #expect(S3Response.listPage(Data("<Error><Code>AccessDenied</Code></Error>".utf8)) == nil)
        #expect(S3Response.listPage(Data("<ListBucketResult><Contents>".utf8)) == nil)  // cut short
        #expect(S3Response.listPage(Data("not xml".utf8)) == nil)
        #expect(S3Response.error(Data()) == nil)
        // A DTD (entity expansion) is never parsed.
        let bomb = "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"aaaa\"><!ENTITY b \"&a;&a;&a;\">]><ListBucketResult><Name>&b;</Name></ListBucketResult>"
        #expect(S3Response.listPage(Data(bomb.utf8)) == nil)
        // FoundationXML traps on an entity name that is not UTF-8 (found by fuzzing): refused before parsing.
        var hostile = Data("<ListBucketResult><Contents><Key>a &".utf8)
        hostile.append(contentsOf: [0xDB])
        hostile.append(Data("mp; b</Key><Size>5</Size></Contents></ListBucketResult>".utf8))
        #expect(S3Response.listPage(hostile) == nil)
        #expect(S3Response.listPage(Data("<ListBucketResult><Name>&nbsp;</Name></ListBucketResult>".utf8)) == nil)
        #expect(S3Response.listPage(Data("<ListBucketResult><Contents><Key>&#x41;&#66;&apos;</Key><Size>1</Size></Contents></ListBucketResult>".utf8))?
            .objects.first?.key == "AB'")
    }

    @Test func urlEncodedKeysAndImpossibleSizes() throws {
        let encoded = "<ListBucketResult><Contents><Key>ctl/bell%07+x%2B.txt</Key><Size>3</Size></Contents></ListBucketResult>"
        #expect(try #require(S3Response.listPage(Data(encoded.utf8), urlEncoded: true)).objects.first?.key == "ctl/bell\u{7} x+.txt")
        #expect(try #require(S3Response.listPage(Data(encoded.utf8))).objects.first?.key == "ctl/bell%07+x%2B.txt")
        let huge = "<ListBucketResult><Contents><Key>a</Key><Size>9223372036854775807</Size></Contents></ListBucketResult>"
        #expect(S3Response.listPage(Data(huge.utf8)) == nil)  // sizes that could overflow a sum: not an S3 answer
    }

    @Test func unquotesETags() {
        #expect(S3Response.unquotedETag("\"abc\"") == "abc")
        #expect(S3Response.unquotedETag("W/\"abc\"") == "abc")
        #expect(S3Response.unquotedETag("abc") == "abc")
        #expect(S3Response.unquotedETag("\"") == "\"")
    }
}

@Suite("Remote asset facts and what is fetched (issue 16)")
struct RemoteAssetFactsTests {
    private func remote(_ link: String, metadata: JSONValue? = nil) -> Asset {
        Asset(assetId: "id-\(link.count)", logicalPath: "remote/x", size: 0, link: link, isRemote: true, metadata: metadata)
    }

    @Test func syncedMetadataIsUsedWithoutARequest() throws {
        let metadata = JSONValue.object(["synced": .bool(true), "file_size": .number(2734), "checksum": .string("\"d69a16ea6136ccb02a7c37c66375ebba\""),
                                         "s3_path": .string("s3://bkt/data/train.csv"), "version_id": .string("v1")])
        let asset = remote("s3://bkt/data/train.csv", metadata: metadata)
        #expect(!RemoteAssetInspector.needsStore(asset))
        let facts = try #require(RemoteAssetInspector.metadataFacts(asset))
        #expect(facts == .object(S3ObjectFacts(size: 2734, eTag: "d69a16ea6136ccb02a7c37c66375ebba", versionId: "v1"), fromMetadata: true))
        #expect(facts.sizeLabel == "↗ 2.7 KiB s3")
        #expect(facts.detailLines.first == "S3 object: 2.7 KiB (2734 bytes) (from the asset's metadata)")
    }

    @Test func whatNeedsTheStore() {
        #expect(RemoteAssetInspector.needsStore(remote("s3://bkt/k")))
        #expect(RemoteAssetInspector.needsStore(remote("s3://bkt/prefix/")))
        #expect(!RemoteAssetInspector.needsStore(remote("gs://bkt/k")))
        #expect(!RemoteAssetInspector.needsStore(remote("https://example.com/k")))
        #expect(!RemoteAssetInspector.needsStore(Asset(assetId: "l", logicalPath: "a", size: 3)))
        #expect(RemoteAssetInspector.metadataFacts(remote("gs://bkt/k")) == .notRead("Google Cloud Storage link: arty does not read GCS."))
        #expect(SyncedS3Metadata(.object(["file_size": .number(-1)])) == nil)
        #expect(SyncedS3Metadata(.object(["file_size": .number(1.5)])) == nil)
    }

    @Test func labelsAndJSON() throws {
        #expect(RemoteAssetFacts.prefix(objectCount: 3, totalBytes: 3 << 20, complete: true).sizeLabel == "↗ 3 obj 3.0 MiB s3")
        #expect(RemoteAssetFacts.prefix(objectCount: 100_000, totalBytes: 1, complete: false).sizeLabel == "↗ 100000+ obj 1 B s3")
        #expect(RemoteAssetFacts.unavailable("not found (404)").sizeLabel == "↗ not found (404)")
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = String(decoding: try encoder.encode(RemoteAssetFacts.object(S3ObjectFacts(size: 8, eTag: "e"), fromMetadata: false)), as: UTF8.self)
        #expect(json == #"{"eTag":"e","size":8,"source":"store","state":"object","store":"s3"}"#)
    }

    @Test func errorFactsNameTheLinkAndNeverTheSecret() {
        #expect(ObjectStoreError.notFound(link: "s3://b/k", code: "NoSuchBucket").fact == "no such bucket")
        #expect(ObjectStoreError.notFound(link: "s3://b/k", code: nil).userMessage == "s3://b/k: not found (404)")
        #expect(ObjectStoreError.accessDenied(link: "s3://b/k", code: "SignatureDoesNotMatch").fact == "signature refused (403)")
        #expect(ObjectStoreError.http(link: "s3://b/k", status: 400, code: "ExpiredToken", message: nil).fact == "credentials expired (400)")
        #expect(ObjectStoreError.http(link: "s3://b/k", status: 400, code: nil, message: nil).fact == "HTTP 400")
        #expect(ObjectStoreError.transport(link: "s3://b/k", code: 7, message: "Failed to connect to 127.0.0.1 port 1").fact == "unreachable")
        #expect(ObjectStoreError.changed(link: "s3://b/k").userMessage.hasPrefix("s3://b/k: changed since it was listed (412)"))
        #expect(ObjectStoreError.http(link: "s3://b/k", status: 503, code: "SlowDown", message: nil).isRetryable)
        #expect(!ObjectStoreError.accessDenied(link: "s3://b/k", code: nil).isRetryable)
        #expect(ObjectStoreError.transport(link: "s3://b/k", code: 28, message: "timeout").isRetryable)
        // Escape sequences in a hostile link never reach the terminal.
        #expect(!ObjectStoreError.notFound(link: "s3://b/\u{1B}[2J", code: nil).userMessage.contains("\u{1B}"))
    }

    @Test func fetchScopes() throws {
        #expect(try RemoteFetchScope(argument: "s3") == RemoteFetchScope(s3: true))
        #expect(try RemoteFetchScope(argument: "") == RemoteFetchScope(s3: true))
        #expect(try RemoteFetchScope(argument: "https") == RemoteFetchScope(s3: true, web: true))
        #expect(try RemoteFetchScope(argument: "S3, https") == RemoteFetchScope(s3: true, web: true))
        #expect(throws: RemoteFetchScopeError(value: "ftp")) { try RemoteFetchScope(argument: "ftp") }
        let s3Only = RemoteFetchScope(s3: true)
        #expect(s3Only.includes("s3://b/k") && !s3Only.includes("https://x/y") && !s3Only.includes("gs://b/k"))
        #expect(RemoteFetchScope(s3: true, web: true).includes("http://127.0.0.1/x"))
        #expect(RemoteFetchScope.none.isEmpty)
    }
}

@Suite("Remote objects in a download plan (issue 16)")
struct RemoteDownloadPlanTests {
    private let version = ArtifactVersion(artifactVersionId: "v-1", version: "1.0.0")

    @Test func standInsBecomeEntriesAndHostileKeysAreRefusedByName() throws {
        let object = S3Location(bucket: "bkt", key: "images/a.jpg")
        let assets = [
            Asset(assetId: "p:images/a.jpg", logicalPath: "remote/images/a.jpg", size: 10,
                  metadata: .object(["checksum": .string("5d41402abc4b2a76b9719d911017c592")])),
            Asset(assetId: "p:images/../../escape.txt", logicalPath: "remote/images/../../escape.txt", size: 3),
            Asset(assetId: "gs", logicalPath: "remote/gs.csv", size: 0, link: "gs://b/x", isRemote: true),
        ]
        let plan = DownloadPlan.make(workspace: "ws", artifactName: "a", version: version, assets: assets, destination: "/tmp/x",
                                     sources: ["p:images/a.jpg": .s3(object, versionId: nil)])
        #expect(plan.entries.map(\.path.relativePath) == ["remote/images/a.jpg"])
        #expect(plan.entries[0].source == .s3(object, versionId: nil))
        #expect(plan.entries[0].verifiableChecksum == "5d41402abc4b2a76b9719d911017c592")
        #expect(plan.refused.map(\.asset.logicalPath) == ["remote/images/../../escape.txt"])
        #expect(plan.remote.map(\.link) == ["gs://b/x"])
    }

    @Test func md5IsAVerifiableChecksum() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("arty-md5-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("hello").path
        FileManager.default.createFile(atPath: file, contents: Data("hello".utf8))
        #expect(FileDigest.algorithm(ofHex: "5d41402abc4b2a76b9719d911017c592") == .md5)
        #expect(try FileDigest.hex(of: file, algorithm: .md5) == "5d41402abc4b2a76b9719d911017c592")
    }

    /// Issue 12: a segmented download hashes its finished prefix piece by piece while later ranges
    /// arrive; the pieces must give the whole file's digest, and a file shorter than asked is an error.
    @Test func aDigestFedInPiecesIsTheWholeFilesDigest() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("arty-digest-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("data").path
        let bytes = Data((0..<((3 << 20) + 5)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) })
        FileManager.default.createFile(atPath: file, contents: bytes)
        let whole = SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
        #expect(try FileDigest.hex(of: file, algorithm: .sha256) == whole)
        var pieces = RunningDigest(.sha256)
        for end: Int64 in [0, 1, 65_536, (1 << 20) + 3, (3 << 20), Int64(bytes.count)] {
            try pieces.update(file: file, to: end)
            #expect(pieces.bytesHashed == end)
        }
        #expect(pieces.hex == whole)
        #expect(RunningDigest(.sha1).hex == "da39a3ee5e6b4b0d3255bfef95601890afd80709")  // SHA-1 of nothing
        var past = RunningDigest(.md5)
        #expect(throws: CometAPIError.self) { try past.update(file: file, to: Int64(bytes.count) + 1) }
        #expect(past.bytesHashed == Int64(bytes.count))
        var missing = RunningDigest(.md5)
        #expect(throws: CometAPIError.self) { try missing.update(file: file + "-gone", to: nil) }
    }
}

@Suite("S3 client against a scripted transport: regions and errors (issue 16)")
struct S3ClientScriptedTests {
    private let settings = S3Settings(credentials: AWSCredentials(accessKeyId: "AKIA", secretAccessKey: "secret-s"), region: "us-east-1")

    @Test func aBucketInAnotherRegionIsAskedAgainThereAndRemembered() async throws {
        let transport = ScriptedTransport([
            .respond(301, "", [HTTPHeader("x-amz-bucket-region", "eu-west-1")]),
            .respond(200, "", [HTTPHeader("Content-Length", "42"), HTTPHeader("ETag", "\"abc\"")]),
            .respond(200, "", [HTTPHeader("Content-Length", "7"), HTTPHeader("ETag", "\"def\"")]),
        ])
        let client = S3Client(settings: settings, transport: transport)
        let facts = try await client.head(S3Location(bucket: "bkt", key: "k"))
        #expect(facts.size == 42 && facts.eTag == "abc")
        _ = try await client.head(S3Location(bucket: "bkt", key: "other"))
        let requests = transport.requests
        #expect(requests.map(\.url) == ["https://bkt.s3.amazonaws.com/k", "https://bkt.s3.eu-west-1.amazonaws.com/k",
                                        "https://bkt.s3.eu-west-1.amazonaws.com/other"])
        #expect(requests.map { $0.awsSignature?.region } == ["us-east-1", "eu-west-1", "eu-west-1"])
        #expect(requests.allSatisfy { $0.method == .head })
    }

    @Test func errorsBecomeFactsAndAListingIsPaginated() async throws {
        let page1 = "<ListBucketResult><IsTruncated>true</IsTruncated><NextContinuationToken>t2</NextContinuationToken><Contents><Key>p/a</Key><Size>1</Size></Contents></ListBucketResult>"
        let page2 = "<ListBucketResult><IsTruncated>false</IsTruncated><Contents><Key>p/b</Key><Size>2</Size></Contents></ListBucketResult>"
        let transport = ScriptedTransport([
            .respond(200, page1, []), .respond(200, page2, []),
            .respond(404, "<Error><Code>NoSuchBucket</Code></Error>", []),
            .respond(200, "<html>a proxy page</html>", []),
        ])
        let client = S3Client(settings: settings, transport: transport)
        let listed = try await client.list(S3Location(bucket: "bkt", key: "p/"))
        #expect(listed.objects.map(\.key) == ["p/a", "p/b"] && !listed.truncated)
        #expect(transport.requests[1].url.contains("continuation-token=t2"))
        await #expect(throws: ObjectStoreError.notFound(link: "s3://bkt/p/", code: "NoSuchBucket")) {
            _ = try await client.list(S3Location(bucket: "bkt", key: "p/"))
        }
        await #expect(throws: ObjectStoreError.malformed(link: "s3://bkt/p/", detail: "not a ListBucketResult")) {
            _ = try await client.list(S3Location(bucket: "bkt", key: "p/"))
        }
    }

    @Test func aFailedHeadIsAskedOnceMoreForS3sReasonAndA200WithoutETagIsNoS3() async throws {
        let transport = ScriptedTransport([
            .respond(403, "", []),
            .respond(403, "<Error><Code>SignatureDoesNotMatch</Code></Error>", []),
            .respond(200, "<html>a captive portal</html>", [HTTPHeader("Content-Length", "29")]),
        ])
        let client = S3Client(settings: settings, transport: transport)
        await #expect(throws: ObjectStoreError.accessDenied(link: "s3://bkt/k", code: "SignatureDoesNotMatch")) {
            _ = try await client.head(S3Location(bucket: "bkt", key: "k"))
        }
        #expect(transport.requests.map(\.method) == [.head, .get])
        #expect(transport.requests[1].rangeEnd == 0)  // one byte at most
        await #expect(throws: ObjectStoreError.malformed(link: "s3://bkt/k", detail: "not an S3 answer (no ETag)")) {
            _ = try await client.head(S3Location(bucket: "bkt", key: "k"))
        }
    }

    @Test func tokensGoingRoundInACircleEndTheListing() async throws {
        func page(_ token: String) -> ScriptedTransport.Step {
            .respond(200, "<ListBucketResult><IsTruncated>true</IsTruncated><NextContinuationToken>\(token)</NextContinuationToken><Contents><Key>p/x</Key><Size>1</Size></Contents></ListBucketResult>", [])
        }
        let transport = ScriptedTransport([page("A"), page("B"), page("A")])
        let listed = try await S3Client(settings: settings, transport: transport).list(S3Location(bucket: "bkt", key: "p/"))
        #expect(transport.requests.count == 3)
        #expect(listed.truncated)  // incomplete, said so
    }

    @Test func aDownloadAsksIfMatchAndAReplacedObjectIsAFact() async throws {
        let transport = ScriptedTransport([.respond(412, "<Error><Code>PreconditionFailed</Code></Error>", [])])
        let client = S3Client(settings: settings, transport: transport)
        await #expect(throws: ObjectStoreError.changed(link: "s3://bkt/k")) {
            _ = try await client.download(S3Location(bucket: "bkt", key: "k"), eTag: "abc-2", to: "/nonexistent/x", resumeFrom: 100,
                                          progress: nil)
        }
        let request = try #require(transport.requests.first)
        #expect(request.headers.contains(HTTPHeader("If-Match", "\"abc-2\"")))
        #expect(request.rangeStart == 100)
    }
}
