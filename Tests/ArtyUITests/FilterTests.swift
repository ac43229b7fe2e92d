@testable import ArtyUI
import CometAPI
import Testing

/// Issue 14: the filter's query (prefixes, fields per row kind), its history and `n`/`N` stepping.
@Suite struct FilterQueryTests {
    static let model = Entry.artifact(Artifact(artifactId: "1", name: "resnet50", type: "model", tags: ["vision", "PyTorch"]))
    static let data = Entry.artifact(Artifact(artifactId: "2", name: "model-cards", type: "dataset", tags: ["docs"]))
    static let prod = Entry.version(ArtifactVersion(artifactVersionId: "v1", version: "1.2.0", aliases: ["production"],
                                                    tags: ["gold"]))
    static let asset = Entry.asset(Asset(assetId: "a", logicalPath: "data/train.csv", size: 1))

    @Test(arguments: [
        ("type:model", FilterQuery.Field.type, "model"),
        ("TYPE:Model", .type, "model"),
        ("alias:prod", .alias, "prod"),
        ("tag:x", .tag, "x"),
        ("name:a:b", .name, "a:b"),
        ("type:", .type, ""),
    ] as [(String, FilterQuery.Field, String)])
    func prefixesNameOneField(text: String, field: FilterQuery.Field, needle: String) {
        let q = FilterQuery(text)
        #expect(q.field == field)
        #expect(q.needle == needle)
    }

    @Test(arguments: ["foo:bar", "model", "12:00", ":prod", "Type"])
    func otherTextIsMatchedLiterally(text: String) {
        let q = FilterQuery(text)
        #expect(q.field == nil)
        #expect(q.needle == text.lowercased())
    }

    @Test func plainTextLooksInNameTypeAndTags() {
        #expect(FilterQuery("model").matches(Self.model))  // its type
        #expect(FilterQuery("model").matches(Self.data))  // its name
        #expect(FilterQuery("pytorch").matches(Self.model))  // a tag, case-insensitive
        #expect(!FilterQuery("gold").matches(Self.model))
        #expect(FilterQuery("prod").matches(Self.prod))  // an alias
        #expect(FilterQuery("gold").matches(Self.prod))  // a version tag
        #expect(FilterQuery("1.2").matches(Self.prod))
        #expect(FilterQuery("train").matches(Self.asset))
        #expect(FilterQuery("").matches(Self.asset))
    }

    @Test func aPrefixNarrowsToThatField() {
        #expect(FilterQuery("type:model").matches(Self.model))
        #expect(!FilterQuery("type:model").matches(Self.data))  // "model" only in its name
        #expect(FilterQuery("name:model").matches(Self.data))
        #expect(!FilterQuery("name:model").matches(Self.model))
        #expect(FilterQuery("tag:vis").matches(Self.model))
        #expect(!FilterQuery("tag:vis").matches(Self.data))
        #expect(FilterQuery("alias:prod").matches(Self.prod))
        #expect(!FilterQuery("tag:prod").matches(Self.prod))
        #expect(!FilterQuery("alias:prod").matches(Self.model))  // artifacts have no aliases
        #expect(FilterQuery("name:1.2").matches(Self.prod))
        #expect(!FilterQuery("type:csv").matches(Self.asset))
        // An unknown prefix is text: "foo:bar" is looked for as it is.
        let odd = Entry.asset(Asset(assetId: "b", logicalPath: "logs/foo:bar.txt", size: 1))
        #expect(FilterQuery("foo:bar").matches(odd))
        #expect(!FilterQuery("foo:bar").matches(Self.asset))
    }

    @Test func aWiderQueryIsOnlyUsedWhenItHoldsTheNarrowerOne() {
        #expect(FilterQuery("type:mo").narrows(FilterQuery("type:m")))
        #expect(FilterQuery("type:m").narrows(FilterQuery("type:")))
        #expect(!FilterQuery("type:").narrows(FilterQuery("type")))  // "type:" matches more than "type"
        #expect(FilterQuery("tag:a").narrows(FilterQuery("tag:")))
        #expect(!FilterQuery("name:ab").narrows(FilterQuery("ab")))
    }
}

@Suite struct FilterHistoryTests {
    @Test func upWalksOlderDownWalksBackToTheDraft() {
        var h = FilterHistory()
        h.record("art-05")
        h.record("")  // an empty filter is not kept
        h.record("model")
        h.record("art-05")  // a repeat moves to the front
        #expect(h.entries == ["art-05", "model"])
        #expect(h.older(current: "dra") == "art-05")
        #expect(h.older(current: "ignored") == "model")
        #expect(h.older(current: "ignored") == nil)  // no older one: the field keeps its text
        #expect(h.newer() == "art-05")
        #expect(h.newer() == "dra")  // past the newest: what was typed before ↑
        #expect(h.newer() == nil)
    }

    @Test func keepsTheNewestFifty() {
        var h = FilterHistory()
        for i in 0..<60 { h.record("f\(i)") }
        #expect(h.entries.count == FilterHistory.limit)
        #expect(h.entries.first == "f59")
        #expect(h.entries.last == "f10")
    }

    @Test func stepsWrapAtBothEnds() {
        #expect(FilterMatches.step(from: 0, count: 3, forward: true) == 1)
        #expect(FilterMatches.step(from: 2, count: 3, forward: true) == 0)
        #expect(FilterMatches.step(from: 0, count: 3, forward: false) == 2)
        #expect(FilterMatches.step(from: nil, count: 3, forward: true) == 0)
        #expect(FilterMatches.step(from: nil, count: 3, forward: false) == 2)
        #expect(FilterMatches.step(from: 0, count: 1, forward: true) == 0)
    }
}

/// The filter in the reducer: fresh on `/`, `↑` recalls, fields and prefixes, `n`/`N`.
@Suite struct FilterReducerTests {
    func visible(_ s: BrowserState) -> [String] { s.visibleEntries(of: s.current)?.map(\.name) ?? [] }

    @Test func slashOpensAFreshFieldAndUpRecallsTheKeptFilter() async {
        var h = await Harness()
        await h.press(.enter, .char("/"))
        await h.type("mnist")
        await h.press(.enter)
        #expect(h.state.current.filter == "mnist")
        await h.press(.char("/"))
        #expect(h.state.filterField == TextField())
        #expect(h.state.current.filter.isEmpty)  // not "mnist" + what comes next
        #expect(h.selected?.name == "mnist-digits")  // the row stays selected
        await h.type("r")
        #expect(h.state.current.filter == "r")
        await h.press(.up)
        #expect(h.state.filterField == TextField("mnist"))
        #expect(h.state.current.filter == "mnist")
        await h.press(.down)
        #expect(h.state.filterField == TextField("r"))
        await h.press(.up, .enter)
        #expect(!h.state.filterEditing)
        #expect(h.state.current.filter == "mnist")
        #expect(h.state.filterHistory.entries == ["mnist"])
    }

    @Test func theFilterMatchesTypeTagsAndAliases() async {
        var h = await Harness()
        await h.press(.enter, .char("/"))
        await h.type("model")
        #expect(visible(h.state) == ["resnet50-🚀"])  // type model
        await h.press(.ctrl("u"))
        await h.type("tag:handwriting")
        #expect(visible(h.state) == ["mnist-digits"])
        await h.press(.ctrl("u"))
        await h.type("type:data")
        #expect(visible(h.state) == ["cafe\u{301}-données", "empty-artifact", "mnist-digits"])
        await h.press(.ctrl("u"))
        await h.type("mnist")
        await h.press(.enter, .enter, .char("/"))  // the versions of mnist-digits
        await h.type("alias:prod")
        #expect(visible(h.state) == ["2.1.0"])
        await h.press(.ctrl("u"))
        await h.type("normalized")
        #expect(visible(h.state) == ["2.1.0", "2.0.0"])
        await h.press(.ctrl("u"))
        await h.type("foo:bar")
        #expect(visible(h.state).isEmpty)
    }

    @Test func nAndNStepThroughTheMatchesWrapping() async {
        var h = await Harness()
        await h.press(.char("n"))
        #expect(h.state.message?.text.hasPrefix("No filter kept") == true)
        await h.press(.enter, .char("/"))
        await h.type("name:e")  // (plain "e" would match every artifact: "dataset" has one)
        await h.press(.enter)
        let rows = visible(h.state)
        #expect(rows == ["cafe\u{301}-données", "empty-artifact", "evil\u{1B}[31mred\u{07}", "resnet50-🚀"])
        #expect(h.selected?.name == rows[0])
        await h.press(.char("n"))
        #expect(h.selected?.name == rows[1])
        #expect(h.state.message?.text == "match 2/4")
        await h.press(.char("N"), .char("N"))
        #expect(h.selected?.name == rows[3])
        #expect(h.state.message?.text == "match 4/4")
        await h.press(.char("n"))
        #expect(h.selected?.name == rows[0])
        #expect(h.state.message?.text == "match 1/4")
        await h.press(.char("/"))
        await h.type("zzz")
        await h.press(.enter, .char("n"))
        #expect(h.state.message?.text == "no match")
    }

    /// Issue 14: the first `s` after opening a pane selected the first row of the new order.
    @Test func sortKeepsTheSelectedRow() async {
        var h = await Harness()
        await h.press(.enter, .char("/"))
        await h.type("mnist")
        await h.press(.enter, .enter)  // versions of mnist-digits: nothing chosen yet, the cursor on the top row
        #expect(h.state.current.selectedID == nil)
        #expect(h.selected?.name == "2.2.0-rc.1")
        await h.press(.char("s"), .char("s"))  // size ↓: the empty release candidate goes last, and stays selected
        #expect(h.state.current.sort == SortOrder(field: .size, reversed: true))
        #expect(h.selected?.name == "2.2.0-rc.1")
        #expect(h.state.cursor(of: h.state.current) == 4)
        await h.press(.char("k"))
        #expect(h.selected?.name == "1.0.0")
        await h.press(.char("s"))  // version ↓
        #expect(h.selected?.name == "1.0.0")
        #expect(h.state.cursor(of: h.state.current) == 4)
        await h.press(.char("S"))  // version ↑
        #expect(h.selected?.name == "1.0.0")
        #expect(h.state.cursor(of: h.state.current) == 0)
    }
}
