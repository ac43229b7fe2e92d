import CometAPI

/// The open preview of an asset (`p`, or `Enter`/`l` on an asset): which asset, how it is
/// scrolled and wrapped, and its fetch. The document itself lives in ``PreviewCache``.
public struct AssetPreview: Sendable, Hashable {
    public var asset: Asset
    /// The first display row shown (after wrapping).
    public var offset: Int
    /// Wrap long lines; nil until `w` is pressed: the document's default (``PreviewDocument/wraps``).
    public var wrap: Bool?
    /// The request id of the fetch in flight (``Effect/fetchPreview(assetId:artifactVersionId:requestID:)``).
    public var requestID: Int?
    /// Why the fetch failed, phrased for a person.
    public var error: String?
    /// The document of a remote asset (built from what the listing said; nothing is fetched).
    public var remote: PreviewDocument?

    public init(asset: Asset) {
        self.asset = asset
        self.offset = 0
        self.wrap = nil
        self.requestID = nil
        self.error = nil
        self.remote = asset.isRemote ? PreviewDocument.remote(asset) : nil
    }
}

/// Preview documents of this session by asset id, the most recently used kept (at most ``limit``).
public struct PreviewCache: Sendable, Hashable {
    /// How many previews are kept: 32 (each at most 64 KiB of content, 256 KiB inflated).
    public static let limit = 32
    private(set) var documents: [String: PreviewDocument] = [:]
    /// Asset ids, least recently used first.
    private(set) var order: [String] = []

    public init() {}

    /// The cached document of `assetId`, if any (does not count as a use).
    public subscript(assetId: String) -> PreviewDocument? { documents[assetId] }

    /// Marks `assetId` as just used; returns its document when cached.
    @discardableResult
    mutating func touch(_ assetId: String) -> PreviewDocument? {
        guard let doc = documents[assetId] else { return nil }
        order.removeAll { $0 == assetId }
        order.append(assetId)
        return doc
    }

    /// Keeps `document` for `assetId`, dropping the least recently used beyond ``limit``.
    mutating func insert(_ document: PreviewDocument, for assetId: String) {
        documents[assetId] = document
        order.removeAll { $0 == assetId }
        order.append(assetId)
        while order.count > Self.limit { documents[order.removeFirst()] = nil }
    }

    /// How many documents are kept.
    public var count: Int { documents.count }
}

/// The keys of the asset preview. ``Keymap/preview`` binds them; help and the footer show it.
public enum PreviewCommand: String, Sendable, Hashable, CaseIterable {
    case scrollDown, scrollUp, pageDown, pageUp, top, bottom
    /// Wrap long lines on/off.
    case toggleWrap
    /// Move the cursor to the next / previous asset and preview it (the fetch in flight is cancelled).
    case nextAsset, previousAsset
    case help
    case close
}

/// The preview's display rows and geometry, shared by the reducer (scroll limits) and the renderer.
public enum PreviewLayout {
    /// One screen row of a preview: the gutter (line number, or blank for a wrapped continuation), text, style.
    public struct Row: Sendable, Hashable {
        public var gutter: String
        public var text: String
        public var style: PreviewLine.Style
    }

    /// Rows of content the preview shows at `size` (header, title, extent, status and footer excluded).
    public static func contentHeight(_ size: Size) -> Int { max(1, size.height - 5) }
    /// Columns of content at `size`.
    public static func contentWidth(_ size: Size) -> Int { max(1, size.width - 2) }

    /// The display rows of `document` at `width` cells: numbered lines get a gutter (`  12 │ `);
    /// with `wrap`, long lines continue on the next rows (cut at any character, so indentation
    /// stays), otherwise they are cut with `…`.
    public static func rows(_ document: PreviewDocument, width: Int, wrap: Bool) -> [Row] {
        let maxNumber = document.lines.compactMap(\.number).max()
        let digits = maxNumber.map { max(3, String($0).count) }
        let gutterWidth = digits.map { $0 + 3 } ?? 0
        let room = max(1, width - gutterWidth)
        var rows: [Row] = []
        rows.reserveCapacity(document.lines.count)
        for line in document.lines {
            var gutter = ""
            if let digits {
                let n = line.number.map(String.init) ?? ""
                gutter = String(repeating: " ", count: digits - n.count) + n + " │ "
            }
            guard wrap, DisplayWidth.of(line.text) > room else {
                rows.append(Row(gutter: gutter, text: wrap ? line.text : TextFit.truncate(line.text, to: room), style: line.style))
                continue
            }
            let blank = digits.map { String(repeating: " ", count: $0) + " │ " } ?? ""
            for (i, part) in hardWrap(line.text, to: room).enumerated() {
                rows.append(Row(gutter: i == 0 ? gutter : blank, text: part, style: line.style))
            }
        }
        return rows
    }

    /// `text` cut into pieces of at most `width` cells, at any character.
    static func hardWrap(_ text: String, to width: Int) -> [String] {
        var parts: [String] = []
        var part = ""
        var used = 0
        for c in text {
            let w = DisplayWidth.of(c)
            if used + w > width, !part.isEmpty {
                parts.append(part)
                part = ""
                used = 0
            }
            part.append(c)
            used += w
        }
        if !part.isEmpty || parts.isEmpty { parts.append(part) }
        return parts
    }
}

extension BrowserState {
    /// The document the open preview shows, once fetched (or built for a remote asset).
    public var previewDocument: PreviewDocument? {
        guard let preview else { return nil }
        return preview.remote ?? previewCache[preview.asset.assetId]
    }

    /// Whether the open preview wraps long lines now.
    public var previewWraps: Bool {
        preview?.wrap ?? previewDocument?.wraps ?? true
    }

    /// Opens the preview of the selected asset: a cached document shows at once (no effect), a
    /// remote asset shows its link (never fetched), otherwise its first 64 KiB are fetched.
    mutating func openPreview() -> [Effect] {
        guard case .asset(let asset)? = selectedEntry(of: current), case .assets(_, _, _, let versionId) = current.key else {
            message = StatusMessage("Select an asset to preview it (p)", kind: .error)
            return []
        }
        current.selectedID = asset.logicalPath
        var effects = cancelPreviewFetch()
        var next = AssetPreview(asset: asset)
        if asset.isRemote || previewCache.touch(asset.assetId) != nil {
            preview = next
            return effects
        }
        guard context.canPreview else {
            next.error = "This connection cannot read files"
            preview = next
            return effects
        }
        let id = nextRequestID
        nextRequestID += 1
        next.requestID = id
        preview = next
        let version = asset.artifactVersionId ?? (versionId.isEmpty ? nil : versionId)
        effects.append(.fetchPreview(assetId: asset.assetId, artifactVersionId: version, requestID: id))
        return effects
    }

    /// Cancels the open preview's fetch, if one is in flight.
    mutating func cancelPreviewFetch() -> [Effect] {
        guard let id = preview?.requestID else { return [] }
        preview?.requestID = nil
        return [.cancel(requestID: id)]
    }

    /// ``Action/previewFetched(assetId:requestID:result:)``: builds and caches the document; a
    /// result for a preview that closed or moved on is dropped.
    mutating func previewFetched(assetId: String, requestID: Int, result: Result<AssetPrefix, ActionFailure>) {
        guard var p = preview, p.requestID == requestID, p.asset.assetId == assetId else { return }
        p.requestID = nil
        switch result {
        case .success(let prefix):
            let total = prefix.totalBytes ?? (p.asset.size > 0 ? p.asset.size : nil)
            previewCache.insert(PreviewDocument.build(name: p.asset.logicalPath, bytes: [UInt8](prefix.bytes), totalBytes: total),
                                for: assetId)
        case .failure(let failure):
            p.error = failure.message
        }
        preview = p
    }

    /// The largest offset that still fills the screen with the open preview.
    var previewMaxOffset: Int {
        guard let doc = previewDocument else { return 0 }
        let rows = PreviewLayout.rows(doc, width: PreviewLayout.contentWidth(size), wrap: previewWraps).count
        return max(0, rows - PreviewLayout.contentHeight(size))
    }

    /// Keys while the preview is open (``Keymap/preview``).
    mutating func handlePreview(_ key: Key) -> [Effect] {
        guard let open = preview, let command = Keymap.previewCommand(for: key) else { return [] }
        let page = max(1, PreviewLayout.contentHeight(size) - 1)
        var delta = 0
        switch command {
        case .scrollDown: delta = 1
        case .scrollUp: delta = -1
        case .pageDown: delta = page
        case .pageUp: delta = -page
        case .top: delta = Int.min / 2
        case .bottom: delta = Int.max / 2
        case .toggleWrap:
            let wrap = !previewWraps
            preview?.wrap = wrap
            message = StatusMessage(wrap ? "Wrapping long lines" : "Long lines cut at the edge (w wraps)")
        case .nextAsset, .previousAsset:
            var effects = cancelPreviewFetch()
            effects += move(by: command == .nextAsset ? 1 : -1)
            // In the tree view folders come first: stepping back onto one stays on the first file.
            if case .folder? = selectedEntry(of: current) { effects += move(by: command == .nextAsset ? -1 : 1) }
            return effects + openPreview()
        case .help:
            overlay = .help(offset: 0)
            return []
        case .close:
            let effects = cancelPreviewFetch()
            preview = nil
            return effects
        }
        // Scroll, and keep the offset on the screen when wrapping changed the row count.
        let limit = previewMaxOffset
        preview?.offset = Swift.min(limit, Swift.max(0, open.offset.addingReportingOverflow(delta).partialValue))
        return []
    }
}
