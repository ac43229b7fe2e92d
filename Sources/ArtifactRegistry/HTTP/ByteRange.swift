/// An HTTP `Range: bytes=...` request for one range (RFC 9110 §14), resolved against a size.
public enum ByteRange {
    /// The inclusive byte range a `Range` header asks for in a body of `size` bytes.
    /// - Returns: nil when the header is absent or not a single `bytes=` range (serve the whole body);
    ///   `.unsatisfiable` when the range lies outside the body (answer 416).
    public static func resolve(header: String?, size: Int64) -> Resolution {
        guard let header, header.lowercased().hasPrefix("bytes=") else { return .whole }
        let spec = header.dropFirst("bytes=".count)
        guard !spec.contains(","), let dash = spec.firstIndex(of: "-") else { return .whole }
        let first = spec[..<dash].trimmingCharacters(in: .whitespaces)
        let last = spec[spec.index(after: dash)...].trimmingCharacters(in: .whitespaces)
        if first.isEmpty {
            guard let suffix = Int64(last), suffix > 0 else { return .unsatisfiable }
            if size == 0 { return .unsatisfiable }
            return .partial(max(0, size - suffix)...(size - 1))
        }
        guard let start = Int64(first), start >= 0 else { return .whole }
        guard start < size else { return .unsatisfiable }
        if last.isEmpty { return .partial(start...(size - 1)) }
        guard let end = Int64(last), end >= start else { return .whole }
        return .partial(start...min(end, size - 1))
    }

    /// What to send.
    public enum Resolution: Equatable, Sendable {
        /// 200 with the whole body.
        case whole
        /// 206 with these bytes (inclusive offsets).
        case partial(ClosedRange<Int64>)
        /// 416.
        case unsatisfiable
    }
}
