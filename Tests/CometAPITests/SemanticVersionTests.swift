import CometAPI
import Foundation
import Testing

@Suite("SemanticVersion (semver 2.0.0)")
struct SemanticVersionTests {
    @Test func parsesAllParts() throws {
        let v = try #require(SemanticVersion("2.10.3-rc.1+build.5.sha-9"))
        #expect(v.major == 2)
        #expect(v.minor == 10)
        #expect(v.patch == 3)
        #expect(v.prerelease == ["rc", "1"])
        #expect(v.build == ["build", "5", "sha-9"])
        #expect(v.description == "2.10.3-rc.1+build.5.sha-9")
        #expect(v.isPrerelease)
    }

    @Test(arguments: ["1.0", "1", "v1.0.0", "01.0.0", "1.02.0", "1.0.0-", "1.0.0+", "1.0.0-01", "1.0.0-a..b",
                      "1.0.0-a_b", "", " 1.0.0", "1.0.0.0", "-1.0.0", "1.0.0+a+b"])
    func rejectsNonStrictVersions(_ text: String) {
        #expect(SemanticVersion(text) == nil)
    }

    @Test(arguments: ["0.0.0", "1.0.0-0A.is.legal", "1.0.0-alpha-1", "1.0.0+001", "1.0.0-x.7.z.92", "10.20.30"])
    func acceptsStrictVersions(_ text: String) {
        #expect(SemanticVersion(text)?.description == text)
    }

    /// The precedence example of semver.org §11, plus numeric ordering beyond one digit.
    @Test func ordersByPrecedence() throws {
        let ordered = ["1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2",
                       "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "1.0.1", "1.2.0", "1.10.0", "2.0.0", "10.0.0"]
        let versions = try ordered.map { try #require(SemanticVersion($0)) }
        #expect(versions.shuffled().sorted() == versions)
        for (a, b) in zip(versions, versions.dropFirst()) {
            #expect(a < b, "\(a) < \(b)")
            #expect(!(b < a))
        }
    }

    @Test func buildMetadataDoesNotTakePartInPrecedence() throws {
        let a = try #require(SemanticVersion("1.0.0+a"))
        let b = try #require(SemanticVersion("1.0.0+b"))
        #expect(!(a < b) && !(b < a))
        #expect(a.hasSamePrecedence(as: b))
        #expect(a != b)
    }

    @Test(arguments: [
        // version, next major, next minor, next patch (rules of `semantic_version`, reference §4.1)
        ("1.2.3", "2.0.0", "1.3.0", "1.2.4"),
        ("0.0.0", "1.0.0", "0.1.0", "0.0.1"),
        ("2.5.14", "3.0.0", "2.6.0", "2.5.15"),
        ("1.2.3+build.1", "2.0.0", "1.3.0", "1.2.4"),
        ("2.0.0-rc.1", "2.0.0", "2.0.0", "2.0.0"),
        ("1.3.0-beta", "2.0.0", "1.3.0", "1.3.0"),
        ("1.2.3-alpha", "2.0.0", "1.3.0", "1.2.3"),
    ])
    func bumps(version: String, major: String, minor: String, patch: String) throws {
        let v = try #require(SemanticVersion(version))
        #expect(v.nextMajor?.description == major)
        #expect(v.nextMinor?.description == minor)
        #expect(v.nextPatch?.description == patch)
        #expect(v.bumped(.major) == v.nextMajor)
        #expect(v.bumped(.minor) == v.nextMinor)
        #expect(v.bumped(.patch) == v.nextPatch)
        for bump in SemanticVersion.Bump.allCases { #expect(v < (try #require(v.bumped(bump)))) }
    }

    @Test func aNumberAtIntMaxHasNoNextVersionInsteadOfOverflowing() throws {
        let top = try #require(SemanticVersion("\(Int.max).\(Int.max).\(Int.max)"))
        for bump in SemanticVersion.Bump.allCases { #expect(top.bumped(bump) == nil) }
        let majorOnly = try #require(SemanticVersion("\(Int.max).0.0"))
        #expect(majorOnly.nextMajor == nil)
        #expect(majorOnly.nextMinor?.description == "\(Int.max).1.0")
        // A pre-release still has its release to become.
        #expect(try #require(SemanticVersion("\(Int.max).0.0-rc.1")).nextMajor?.description == "\(Int.max).0.0")
        #expect(SemanticVersion("9223372036854775808.0.0") == nil)  // past Int.max: not a version arty can hold
    }

    @Test func numericPreReleaseIdentifiersCompareAsNumbersOfAnyLength() throws {
        let ordered = ["1.0.0-2", "1.0.0-10", "1.0.0-99999999999999999999", "1.0.0-100000000000000000000", "1.0.0-alpha", "1.0.0"]
        let versions = try ordered.map { try #require(SemanticVersion($0)) }
        for (i, a) in versions.enumerated() {
            for (j, b) in versions.enumerated() { #expect((a < b) == (i < j), "\(a) < \(b)") }
        }
    }

    @Test func codableAsString() throws {
        let v = try #require(SemanticVersion("1.2.3-rc.1"))
        let data = try JSONEncoder().encode([v])
        #expect(String(decoding: data, as: UTF8.self) == #"["1.2.3-rc.1"]"#)
        #expect(try JSONDecoder().decode([SemanticVersion].self, from: data) == [v])
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([SemanticVersion].self, from: Data(#"["1.0"]"#.utf8)) }
    }
}
