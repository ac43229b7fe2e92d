@testable import ArtyUI
import CometAPI
import Testing

/// Issue 14: at 250 columns the ALIASES column took about 100 empty columns.
@Suite struct WideLayoutTests {
    @Test func aliasesTakeWhatTheirValuesNeedAndLongVersionsShowWhole() {
        let long = "3.0.0-rc.1+build.20261127"
        let rows: [Entry] = [
            .version(ArtifactVersion(artifactVersionId: "a", version: long, aliases: ["production", "latest"])),
            .version(ArtifactVersion(artifactVersionId: "b", version: "1.0.0")),
        ]
        let fitted = Table.fit(Table.columns(.versions, full: true, now: 0), rows: rows, width: 248)
        let widths = Dictionary(uniqueKeysWithValues: fitted.map { ($0.column.title, $0.width) })
        #expect(widths["ALIASES"] == "production,latest".count)
        #expect(widths["VERSION"] == long.count)  // past its 14-cell maximum: the room was there
        #expect(fitted.reduce(0) { $0 + $1.width } + Table.gap * (fitted.count - 1) < 248)  // the rest stays blank
        // Where the aliases need all the room left, nothing changes: they take it, the version keeps 14.
        let narrow = Table.fit(Table.columns(.versions, full: false, now: 0), rows: rows, width: 14 + 2 + 12)
        #expect(narrow.map(\.width) == [14, 12])
    }
}
