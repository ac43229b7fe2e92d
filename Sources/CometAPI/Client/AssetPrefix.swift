import Foundation

/// The first bytes of an asset, as ``CometClient/fetchAssetPrefix(assetId:artifactVersionId:experimentKey:maxBytes:)``
/// fetched them into memory.
public struct AssetPrefix: Sendable, Hashable {
    /// At most the `maxBytes` asked for, from byte 0.
    public var bytes: Data
    /// The asset's whole size when the server said (`Content-Range: bytes 0-N/TOTAL`, or the
    /// `Content-Length` of a `200`); nil when unknown.
    public var totalBytes: Int64?
    /// True when the server honoured the `Range` request (`206`); false when it sent the whole
    /// asset (`200`) and the transfer was cut after the prefix.
    public var rangeHonoured: Bool

    public init(bytes: Data, totalBytes: Int64?, rangeHonoured: Bool) {
        self.bytes = bytes
        self.totalBytes = totalBytes
        self.rangeHonoured = rangeHonoured
    }

    /// True when ``bytes`` is the whole asset (its size is known and reached).
    public var isComplete: Bool { totalBytes.map { Int64(bytes.count) >= $0 } ?? false }

    /// The total of a `Content-Range: bytes A-B/TOTAL` (or `bytes */TOTAL`) value; nil for `*` or garbage.
    public static func total(contentRange value: String) -> Int64? {
        guard let slash = value.lastIndex(of: "/") else { return nil }
        return Int64(value[value.index(after: slash)...].trimmingCharacters(in: .whitespaces))
    }
}

/// A bounded read of an asset (the preview and `arty cat --bytes`).
public protocol AssetPrefixReading: Sendable {
    /// See ``CometClient/fetchAssetPrefix(assetId:artifactVersionId:experimentKey:maxBytes:)``.
    func fetchAssetPrefix(assetId: String, artifactVersionId: String?, experimentKey: String, maxBytes: Int) async throws -> AssetPrefix
}

extension CometClient: AssetPrefixReading {
    /// `GET experiment/asset/get-asset` (§2.7) with `Range: bytes=0-(maxBytes-1)`: at most the first
    /// `maxBytes` bytes of one asset, kept in memory.
    ///
    /// A server that ignores the range and answers `200` with the whole asset has its transfer
    /// aborted as soon as more than `maxBytes` bytes arrived; no more than `maxBytes` bytes (plus
    /// one of libcurl's receive pieces, 16 KiB, briefly) are ever held. A `416` to the range (an
    /// empty asset) is an empty prefix. `maxBytes` ≤ 0 asks nothing and returns an empty prefix.
    /// - Throws: ``CometAPIError`` (`.http` with the status for a missing asset, `.cancelled`, ...).
    public func fetchAssetPrefix(assetId: String, artifactVersionId: String?, experimentKey: String = "",
                                 maxBytes: Int) async throws -> AssetPrefix {
        guard maxBytes > 0 else { return AssetPrefix(bytes: Data(), totalBytes: nil, rangeHonoured: false) }
        let query: [QueryItem] = [.plain("assetId", assetId), .plain("allow301", "False"),
                                  .plain("experimentKey", experimentKey), .plain("artifactVersionId", artifactVersionId)]
        var request = makeRequest(.get, url: url("experiment/asset/get-asset", query))
        request.rangeStart = 0
        request.rangeEnd = Int64(maxBytes) - 1
        request.bodyPrefixBytes = maxBytes
        request.acceptCompressed = false  // the range counts stored bytes
        request.totalTimeoutMilliseconds = Self.jsonTimeoutMilliseconds
        let response: TransportResponse
        do {
            response = try await perform(request, operation: "Reading asset \(assetId)", sink: .memory, progress: nil, idempotent: true)
        } catch let error as CometAPIError where error.status == 416 {
            // Nothing to read: only an empty asset has no byte 0.
            return AssetPrefix(bytes: Data(), totalBytes: 0, rangeHonoured: true)
        }
        let honoured = response.status == 206
        var total: Int64?
        if honoured {
            total = response.header("Content-Range").flatMap(AssetPrefix.total(contentRange:))
        } else if let length = response.header("Content-Length").flatMap({ Int64($0) }) {
            total = length
        } else if !response.bodyCut {
            total = Int64(response.body.count)
        }
        return AssetPrefix(bytes: response.body.prefix(maxBytes), totalBytes: total, rangeHonoured: honoured)
    }
}
