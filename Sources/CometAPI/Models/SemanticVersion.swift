/// A semantic version, as Comet uses for artifact versions (`1.2.0`, `2.0.0-rc.1+build.5`).
///
/// Parsing and precedence follow Semantic Versioning 2.0.0 (https://semver.org):
/// `MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD]`, numeric identifiers without leading zeros,
/// pre-releases sort before their release, build metadata is ignored for ordering.
/// Comet requires this strict form: the SDK rejects `"1.0"` (reference §2.5).
public struct SemanticVersion: Sendable, Hashable, Comparable, CustomStringConvertible, Codable {
    public var major: Int
    public var minor: Int
    public var patch: Int
    /// Dot-separated pre-release identifiers (`["rc", "1"]`); empty for a release.
    public var prerelease: [String]
    /// Dot-separated build identifiers; ignored by comparison and equality of precedence.
    public var build: [String]

    public init(major: Int, minor: Int, patch: Int, prerelease: [String] = [], build: [String] = []) {
        self.major = major
        self.minor = minor
        self.patch = patch
        self.prerelease = prerelease
        self.build = build
    }

    /// Parses a strict semantic version string; returns nil for anything else (`1.0`, `v1.0.0`, `01.0.0`).
    public init?(_ text: String) {
        var rest = Substring(text)
        var build: [String] = []
        if let plus = rest.firstIndex(of: "+") {
            let b = rest[rest.index(after: plus)...]
            guard let ids = Self.identifiers(b, numericNoLeadingZero: false) else { return nil }
            build = ids
            rest = rest[..<plus]
        }
        var prerelease: [String] = []
        if let dash = rest.firstIndex(of: "-") {
            let p = rest[rest.index(after: dash)...]
            guard let ids = Self.identifiers(p, numericNoLeadingZero: true) else { return nil }
            prerelease = ids
            rest = rest[..<dash]
        }
        let core = rest.split(separator: ".", omittingEmptySubsequences: false)
        guard core.count == 3 else { return nil }
        var numbers: [Int] = []
        for part in core {
            guard !part.isEmpty, part.allSatisfy({ $0.isASCII && $0.isNumber }),
                  part == "0" || part.first != "0", let n = Int(part) else { return nil }
            numbers.append(n)
        }
        self.init(major: numbers[0], minor: numbers[1], patch: numbers[2], prerelease: prerelease, build: build)
    }

    private static func identifiers(_ s: Substring, numericNoLeadingZero: Bool) -> [String]? {
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        guard !parts.isEmpty else { return nil }
        var out: [String] = []
        for part in parts {
            guard !part.isEmpty,
                  part.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) else { return nil }
            if numericNoLeadingZero, part.allSatisfy({ $0.isNumber }), part.count > 1, part.first == "0" { return nil }
            out.append(String(part))
        }
        return out
    }

    public var isPrerelease: Bool { !prerelease.isEmpty }

    public var description: String {
        var s = "\(major).\(minor).\(patch)"
        if !prerelease.isEmpty { s += "-" + prerelease.joined(separator: ".") }
        if !build.isEmpty { s += "+" + build.joined(separator: ".") }
        return s
    }

    /// The next major version: `(M+1).0.0`, except that a pre-release of `M.0.0` becomes `M.0.0`
    /// (the rule of the `semantic_version` package the SDK uses, reference §4.1); nil when `M` is
    /// already `Int.max` (a parsed version may hold any number that fits in an `Int`).
    public var nextMajor: SemanticVersion? {
        if isPrerelease, minor == 0, patch == 0 { return SemanticVersion(major: major, minor: 0, patch: 0) }
        guard major < Int.max else { return nil }
        return SemanticVersion(major: major + 1, minor: 0, patch: 0)
    }

    /// The next minor version: `M.(m+1).0`, except that a pre-release of `M.m.0` becomes `M.m.0`;
    /// nil when `m` is already `Int.max`.
    public var nextMinor: SemanticVersion? {
        if isPrerelease, patch == 0 { return SemanticVersion(major: major, minor: minor, patch: 0) }
        guard minor < Int.max else { return nil }
        return SemanticVersion(major: major, minor: minor + 1, patch: 0)
    }

    /// The next patch version: `M.m.(p+1)`, except that a pre-release becomes `M.m.p`; nil when `p`
    /// is already `Int.max`.
    public var nextPatch: SemanticVersion? {
        if isPrerelease { return SemanticVersion(major: major, minor: minor, patch: patch) }
        guard patch < Int.max else { return nil }
        return SemanticVersion(major: major, minor: minor, patch: patch + 1)
    }

    /// One of the three bumps by name.
    public enum Bump: String, Sendable, CaseIterable, Codable {
        case major, minor, patch
    }

    /// ``nextMajor``, ``nextMinor`` or ``nextPatch``; nil when that number cannot grow.
    public func bumped(_ bump: Bump) -> SemanticVersion? {
        switch bump {
        case .major: nextMajor
        case .minor: nextMinor
        case .patch: nextPatch
        }
    }

    /// Precedence per semver 2.0.0 §11; build metadata does not take part.
    public static func < (lhs: SemanticVersion, rhs: SemanticVersion) -> Bool {
        if lhs.major != rhs.major { return lhs.major < rhs.major }
        if lhs.minor != rhs.minor { return lhs.minor < rhs.minor }
        if lhs.patch != rhs.patch { return lhs.patch < rhs.patch }
        switch (lhs.prerelease.isEmpty, rhs.prerelease.isEmpty) {
        case (true, true): return false
        case (true, false): return false
        case (false, true): return true
        case (false, false): break
        }
        for (a, b) in zip(lhs.prerelease, rhs.prerelease) where a != b {
            // Numeric identifiers compare as numbers, of any length (no leading zeros: by length,
            // then digit by digit), and below alphanumeric ones (§11.4).
            switch (isNumeric(a), isNumeric(b)) {
            case (true, true): return a.count != b.count ? a.count < b.count : a < b
            case (true, false): return true
            case (false, true): return false
            case (false, false): return a < b
            }
        }
        return lhs.prerelease.count < rhs.prerelease.count
    }

    private static func isNumeric(_ identifier: String) -> Bool {
        !identifier.isEmpty && identifier.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }

    /// Equality of precedence would ignore build metadata; `==` here is structural so that
    /// `Hashable` stays consistent. Use `hasSamePrecedence(as:)` for precedence-only equality.
    public func hasSamePrecedence(as other: SemanticVersion) -> Bool { !(self < other) && !(other < self) }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        let s = try c.decode(String.self)
        guard let v = SemanticVersion(s) else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "not a semantic version: \(s.prefix(64))")
        }
        self = v
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}
