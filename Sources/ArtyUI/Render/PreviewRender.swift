import CometAPI

/// Drawing the asset preview (``BrowserState/preview``) over the panes: a title row (path and
/// content kind), an extent row (`first 64 KiB of 10.0 MiB · wrap on · rows 1–19 of 151`), and
/// the document's rows (``PreviewLayout/rows(_:width:wrap:)``). Every text reached the document
/// through ``Sanitizer``; the path and error here go through it too.
extension Render {
    func assetPreview(_ frame: inout Frame, _ preview: AssetPreview) {
        let width = PreviewLayout.contentWidth(size)
        let height = PreviewLayout.contentHeight(size)
        let path = Sanitizer.clean(preview.asset.logicalPath)
        let document = state.previewDocument
        var title = (preview.asset.isRemote ? "↗ " : "") + path
        if let document { title += " · " + document.kind }
        frame.put(TextFit.truncate(title, to: width), x: 1, y: 1, style: Style(color: .accent, bold: true, underline: true))
        let top = 3
        guard let document else {
            if let error = preview.error {
                frame.put(TextFit.truncate("✗ Could not read \(path):", to: width), x: 1, y: top, style: .error)
                for (i, part) in TextFit.wrap(Sanitizer.clean(error), to: width).prefix(max(0, height - 2)).enumerated() {
                    frame.put(part, x: 1, y: top + 1 + i)
                }
                frame.put("Esc closes; p tries again.", x: 1, y: min(size.height - 3, top + height - 1), style: .dim, limit: width)
            } else {
                let what = preview.asset.size > Int64(PreviewDocument.prefixBytes)
                    ? "the first \(PreviewDocument.roundSize(PreviewDocument.prefixBytes)) of \(Formatting.size(preview.asset.size))"
                    : Formatting.size(preview.asset.size)
                frame.put(TextFit.truncate("\(Render.spinner(state.tickCount)) Reading \(what)…", to: width), x: 1, y: top, style: .dim)
            }
            return
        }
        let wrap = state.previewWraps
        let rows = PreviewLayout.rows(document, width: width, wrap: wrap)
        let first = max(0, min(preview.offset, rows.count - height))
        let shown = rows[first..<min(rows.count, first + height)]
        var extent = document.extent.isEmpty ? [] : [document.extent]
        extent.append(wrap ? "wrap on" : "wrap off")
        if !rows.isEmpty {
            extent.append(shown.count < rows.count ? "rows \(first + 1)–\(first + shown.count) of \(rows.count)" : rows.count == 1 ? "1 row" : "\(rows.count) rows")
        }
        frame.put(TextFit.truncate(extent.joined(separator: " · "), to: width), x: 1, y: 2, style: .dim)
        for (i, row) in shown.enumerated() {
            let y = top + i
            var x = 1
            if !row.gutter.isEmpty { x += frame.put(row.gutter, x: x, y: y, style: .dim) }
            let style: Style = switch row.style {
            case .plain: .plain
            case .heading: .bold
            case .dim: .dim
            }
            frame.put(row.text, x: x, y: y, style: style, limit: max(0, width + 1 - x))
        }
    }
}
