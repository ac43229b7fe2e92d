import CometAPI
import Testing
@testable import ArtyUI

/// The memoised row index (issue 6) must give exactly the rows and order of the plain
/// filter-then-``Sorting/sorted(_:by:)`` path, for every sort order and filter.
@Suite struct RowIndexTests {
    static let assets: [Entry] = (0..<300).map(asset)

    /// Sizes repeat (ties broken by name), one remote asset (size -1 in sort), mixed case and non-ASCII names.
    static func asset(_ i: Int) -> Entry {
        let name: String = i % 7 == 0 ? "Data/Élan-\(i % 13).CSV" : "data/file-\((i * 37) % 300).bin"
        let link: String? = i == 5 ? "s3://bucket/x" : nil
        return .asset(Asset(assetId: "a\(i)", logicalPath: name + "-\(i)", size: Int64(i % 10) * 100, link: link))
    }

    static let versions: [Entry] = (0..<120).map(version)

    static func version(_ i: Int) -> Entry {
        let text: String = i == 3 ? "not-semver" : "\(i % 4).\(i / 4 % 10).\(i)"
        let aliases: [String] = i == 7 ? ["Production"] : []
        let tags: [String] = i % 9 == 0 ? ["gold"] : []
        let size = Int64(i % 5), added = Int64(i % 6)
        return .version(ArtifactVersion(artifactVersionId: "v\(i)", version: text, aliases: aliases, tags: tags,
                                        sizeInBytes: size, addedMillis: added))
    }

    func plain(_ rows: [Entry], _ filter: String, _ sort: SortOrder) -> [String] {
        Sorting.sorted(rows.filter { $0.matches(filter) }, by: sort).map(\.id)
    }

    @Test(arguments: [SortField.name, .size])
    func assetsMatchThePlainPath(field: SortField) {
        let index = RowIndex(Self.assets)
        for reversed in [false, true] {
            let sort = SortOrder(field: field, reversed: reversed)
            for filter in ["", "d", "da", "data/f", "DATA/FILE-1", "élan", "x", ".csv", "name:ÉLAN", "name:file", "tag:x", "Z"] {
                #expect(index.visible(filter: filter, sort: sort).map(\.id) == plain(Self.assets, filter, sort), "\(filter) \(sort)")
            }
        }
    }

    @Test(arguments: [SortField.version, .added, .size])
    func versionsMatchThePlainPath(field: SortField) {
        let index = RowIndex(Self.versions)
        for reversed in [true, false] {
            let sort = SortOrder(field: field, reversed: reversed)
            for filter in ["", "1", "prod", "gold", "not"] {
                #expect(index.visible(filter: filter, sort: sort).map(\.id) == plain(Self.versions, filter, sort), "\(filter) \(sort)")
            }
        }
    }

    @Test func positionsOfIds() {
        let index = RowIndex(Self.assets)
        let sort = SortOrder(field: .size, reversed: true)
        let rows = plain(Self.assets, "data", sort)
        for (i, id) in rows.enumerated() where i % 17 == 0 {
            #expect(index.index(of: id, filter: "data", sort: sort) == i)
        }
        #expect(index.index(of: "no such id", filter: "", sort: sort) == nil)
        // A row that the filter hides has no position.
        let hidden = Self.assets.first { !$0.matches("élan") }!.id
        #expect(index.index(of: hidden, filter: "élan", sort: sort) == nil)
    }

    @Test func radixSortIsStableAndSigned() {
        let keys: [Int64] = [5, -1, 3, 5, 0, -1, Int64.max, Int64.min, 3]
        let order = RowIndex.radixSorted(Array(keys.indices), by: keys)
        #expect(order == [7, 1, 5, 4, 2, 8, 0, 3, 6])
    }
}
