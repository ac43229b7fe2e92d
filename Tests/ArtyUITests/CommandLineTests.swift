@testable import ArtyUI
import CometAPI
import Foundation
import Testing

/// The `:` command line's pure parts: shell words, goto targets, command parsing, completion.
@Suite struct CommandLineTests {
    // MARK: Shell words

    @Test func quoteLeavesSafeWordsAndQuotesTheRest() {
        #expect(ShellWords.quote("mnist-team/mnist-digits:2.1.0") == "mnist-team/mnist-digits:2.1.0")
        #expect(ShellWords.quote("--with-aliases") == "--with-aliases")
        #expect(ShellWords.quote("my model") == "'my model'")
        #expect(ShellWords.quote("it's") == "'it'\\''s'")
        #expect(ShellWords.quote("") == "''")
        #expect(ShellWords.quote("$HOME") == "'$HOME'")
        #expect(ShellWords.quote("~x") == "'~x'")
        #expect(ShellWords.quote("模型") == "'模型'")
    }

    static let awkward = ["plain", "two words", "it's", "a\"b", "back\\slash", "$(rm -rf x)", "`x`", "*.csv", "", "模型 权重", "!bang"]

    @Test func splitReadsBackWhatQuoteWrote() throws {
        let line = ShellWords.join(Self.awkward)
        #expect(try ShellWords.split(line) == Self.awkward)
    }

    /// Names the terminal cannot show as themselves: written in ANSI-C quotes, so the command on
    /// screen is printable and still names the real bytes.
    static let unprintable = ["a\nb.txt", "rtl\u{202E}gnp.exe", "esc\u{1B}[2J", "it's\tx", "bom\u{FEFF}", "c1\u{9B}31m"]

    /// The printed words are what a real shell passes to the program: POSIX `sh` for the plain and
    /// single-quoted words, bash for the ANSI-C quoted ones.
    @Test(arguments: [("/bin/sh", awkward), ("/bin/bash", awkward + unprintable)])
    func aRealShellReadsTheQuotedWordsBack(shell: String, words: [String]) throws {
        guard FileManager.default.isExecutableFile(atPath: shell) else { return }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: shell)
        process.arguments = ["-c", "printf '%s\\n' " + words.map(ShellWords.quote).joined(separator: " ")]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let out = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(String(decoding: out, as: UTF8.self) == words.map { $0 + "\n" }.joined())
    }

    @Test func unprintableNamesAreQuotedPrintablyAndSplitBack() throws {
        #expect(ShellWords.quote("a\nb.txt") == #"$'a\nb.txt'"#)
        #expect(ShellWords.quote("rtl\u{202E}gnp.exe") == #"$'rtl\u202egnp.exe'"#)
        #expect(ShellWords.quote("it's\tx") == #"$'it\'s\tx'"#)
        for word in Self.unprintable { #expect(TerminalText.isSafe(ShellWords.quote(word)), "\(word)") }
        #expect(try ShellWords.split(ShellWords.join(Self.unprintable)) == Self.unprintable)
        #expect(try ShellWords.split(#"add $'x\x41\u00e9' $'\q'"#) == ["add", "xAé", "q"])
        #expect(throws: ShellWords.SplitError.unclosedQuote("'")) { try ShellWords.split("add $'open") }
    }

    @Test func splitFollowsShellQuoting() throws {
        #expect(try ShellWords.split("  add  prod ") == ["add", "prod"])
        #expect(try ShellWords.split(#"add "my tag" 'x y' a\ b"#) == ["add", "my tag", "x y", "a b"])
        #expect(try ShellWords.split(#""a\"b" "c\d""#) == [#"a"b"#, #"c\d"#])
        #expect(try ShellWords.split("x ''") == ["x", ""])
        #expect(throws: ShellWords.SplitError.unclosedQuote("'")) { try ShellWords.split("add 'prod") }
    }

    // MARK: Goto targets

    @Test func gotoTargetsAtEveryDepth() throws {
        #expect(try GotoTarget.parse("mnist-team") == GotoTarget(workspace: "mnist-team"))
        #expect(try GotoTarget.parse("mnist-team/") == GotoTarget(workspace: "mnist-team"))
        #expect(try GotoTarget.parse("ws/mnist") == GotoTarget(workspace: "ws", artifact: "mnist"))
        #expect(try GotoTarget.parse("ws/mnist:2.1.0") == GotoTarget(workspace: "ws", artifact: "mnist", selector: .version("2.1.0")))
        #expect(try GotoTarget.parse("ws/mnist:production") == GotoTarget(workspace: "ws", artifact: "mnist", selector: .alias("production")))
        #expect(try GotoTarget.parse("ws/mnist:2.1.0/data/train.csv")
            == GotoTarget(workspace: "ws", artifact: "mnist", selector: .version("2.1.0"), path: "data/train.csv"))
        // Without a version: the path is in the latest version.
        #expect(try GotoTarget.parse("ws/mnist/data/x.csv") == GotoTarget(workspace: "ws", artifact: "mnist", path: "data/x.csv"))
        // With a version, an artifact name may hold `/` and a path may hold `:`.
        #expect(try GotoTarget.parse("ws/a/b:1.0.0/c:d") == GotoTarget(workspace: "ws", artifact: "a/b", selector: .version("1.0.0"), path: "c:d"))
        #expect(try GotoTarget.parse(" ws/my model:prod/ ") == GotoTarget(workspace: "ws", artifact: "my model", selector: .alias("prod")))
        #expect(try GotoTarget.parse("ws/m:1.0.0/data/") .path == "data/")
    }

    @Test func badGotoTargetsSayWhy() {
        #expect(throws: GotoTarget.ParseError.empty) { try GotoTarget.parse("  ") }
        #expect(throws: GotoTarget.ParseError.reference(.emptyWorkspace("/mnist"))) { try GotoTarget.parse("/mnist") }
        #expect(throws: GotoTarget.ParseError.reference(.emptyVersion("ws/mnist:"))) { try GotoTarget.parse("ws/mnist:") }
        #expect(throws: GotoTarget.ParseError.reference(.missingArtifact("ws:1.0"))) { try GotoTarget.parse("ws:1.0") }
    }

    @Test func gotoTargetReferenceIsWhatLsLists() throws {
        let t = try GotoTarget.parse("ws/mnist:production/data/train.csv")
        #expect(t.reference() == "ws/mnist:production")
        #expect(t.reference(version: "2.1.0") == "ws/mnist:2.1.0")
        #expect(t.description == "ws/mnist:production/data/train.csv")
        #expect(CLIEquivalent.list(t, version: "2.1.0") == "arty ls ws/mnist:2.1.0")
        #expect(CLIEquivalent.list(GotoTarget(workspace: "ws", artifact: "my model")) == "arty ls 'ws/my model'")
    }

    // MARK: Commands

    @Test func commandsParse() throws {
        #expect(try LineCommand.parse("goto ws/a:1.0.0") == .goto(GotoTarget(workspace: "ws", artifact: "a", selector: .version("1.0.0"))))
        #expect(try LineCommand.parse("ws/a") == .goto(GotoTarget(workspace: "ws", artifact: "a")))
        #expect(try LineCommand.parse("goto 'ws/my model'") == .goto(GotoTarget(workspace: "ws", artifact: "my model")))
        #expect(try LineCommand.parse("mnist-team", isWorkspace: { $0 == "mnist-team" }) == .goto(GotoTarget(workspace: "mnist-team")))
        #expect(try LineCommand.parse("download") == .download(destination: nil))
        #expect(try LineCommand.parse("download '/tmp/my data'") == .download(destination: "/tmp/my data"))
        #expect(try LineCommand.parse("alias add prod") == .alias(.add, ["prod"]))
        #expect(try LineCommand.parse("alias rm prod,staging") == .alias(.remove, ["prod", "staging"]))
        #expect(try LineCommand.parse("tag add \"a b\" c") == .tag(.add, ["a b", "c"]))
        #expect(try LineCommand.parse("bump MINOR") == .bump(.minor))
        #expect(try LineCommand.parse("sort size") == .sort(.size, descending: nil))
        #expect(try LineCommand.parse("sort date desc") == .sort(.added, descending: true))
        #expect(try LineCommand.parse("q") == .quit)
        #expect(try LineCommand.parse("quit") == .quit)
        #expect(try LineCommand.parse("dow") == .download(destination: nil))  // a unique prefix
        #expect(try LineCommand.parse("help") == .help)
    }

    @Test func badCommandsSayWhy() {
        func message(_ line: String) -> String {
            do { _ = try LineCommand.parse(line); return "parsed" } catch { return error.description }
        }
        #expect(message("frobnicate").hasPrefix("unknown command 'frobnicate' (commands: goto, download, alias, tag, bump, sort, help, quit"))
        #expect(message("bump huge") == "usage: :bump major|minor|patch")
        #expect(message("alias") == "usage: :alias add|rm ALIAS…")
        #expect(message("alias add") == "usage: :alias add ALIAS…")
        #expect(message("tag move x") == "usage: :tag add|rm TAG…")
        #expect(message("sort colour").hasPrefix("usage: :sort FIELD [asc|desc]"))
        #expect(message("download a b") == "usage: :download [DIR]")
        #expect(message("alias add 'prod") == "a quote (') is not closed")
        #expect(message("q now") == "usage: :quit")
        #expect(message("goto") == "goto needs a place: WORKSPACE[/ARTIFACT[:VERSION|ALIAS][/PATH]]")
    }

    // MARK: Completion

    @Test func completesCommandNames() async {
        let h = await Harness()
        #expect(h.state.complete("go") == Completion(text: "goto "))
        #expect(h.state.complete("b") == Completion(text: "bump "))
        // Nothing matches a command: workspaces are tried.
        #expect(h.state.complete("mn") == Completion(text: "mnist-team/"))
        #expect(h.state.complete("alias a") == Completion(text: "alias add "))
        #expect(h.state.complete("bump m") == Completion(text: "bump m", candidates: ["major", "minor"]))
        #expect(h.state.complete("bump mi") == Completion(text: "bump minor "))
    }

    @Test func completesWorkspacesArtifactsVersionsAndPaths() async {
        var h = await Harness()
        #expect(h.state.complete("goto ") == Completion(text: "goto ", candidates: ["mnist-team", "restricted", "vision", "研究チーム"]))
        #expect(h.state.complete("goto v") == Completion(text: "goto vision/"))
        // The artifacts of 研究チーム are not loaded yet: Tab asks for them.
        #expect(h.state.complete("goto 研究チーム/模") == Completion(text: "goto 研究チーム/模", needs: .artifacts(workspace: "研究チーム")))
        // mnist-team's are (the preview of the selected workspace).
        #expect(h.state.complete("goto mnist-team/m") == Completion(text: "goto mnist-team/mnist-digits:"))
        #expect(h.state.complete("goto mnist-team/e") == Completion(text: "goto mnist-team/e", candidates: ["empty-artifact", "evil\u{1B}[31mred\u{07}"]))
        #expect(h.state.complete("mnist-team/mnist-digits:2") == Completion(text: "mnist-team/mnist-digits:2", needs: .versions(workspace: "mnist-team", artifact: "mnist-digits")))
        await h.command("goto mnist-team/mnist-digits")  // its versions
        await h.press(.char("j"))  // 2.1.0: the preview loads its assets
        #expect(h.state.complete("mnist-team/mnist-digits:2.") == Completion(text: "mnist-team/mnist-digits:2.", candidates: ["2.0.0", "2.1.0", "2.2.0-rc.1"]))
        #expect(h.state.complete("mnist-team/mnist-digits:prod") == Completion(text: "mnist-team/mnist-digits:production/"))
        // The assets of production (2.1.0) load with the preview of the selected version.
        #expect(h.state.listings[.assets(workspace: "mnist-team", artifact: "mnist-digits", version: "2.1.0", versionId: "c41d7788a")]?.entries != nil)
        #expect(h.state.complete("mnist-team/mnist-digits:production/") == Completion(
            text: "mnist-team/mnist-digits:production/", candidates: ["data/", "images/", "raw/", "README.md"]))
        #expect(h.state.complete("mnist-team/mnist-digits:production/d") == Completion(text: "mnist-team/mnist-digits:production/data/"))
        #expect(h.state.complete("mnist-team/mnist-digits:production/data/tr") == Completion(text: "mnist-team/mnist-digits:production/data/train.csv"))
        #expect(h.state.complete("mnist-team/mnist-digits:production/data/") == Completion(
            text: "mnist-team/mnist-digits:production/data/t", candidates: ["test.csv", "train.csv"]))  // their common start
    }

    @Test func completesLabelsAndSortFields() async {
        let h = await versionsHarness(select: "2.0.0")
        // To remove: the selected version's own aliases; to add: the other versions' (moving one).
        #expect(h.state.complete("alias rm ") == Completion(text: "alias rm staging "))
        #expect(h.state.complete("alias add ") == Completion(text: "alias add production "))
        #expect(h.state.complete("tag add ") == Completion(text: "tag add ", candidates: ["raw", "v2"]))
        #expect(h.state.complete("sort ") == Completion(text: "sort ", candidates: ["date", "size", "version"]))
        #expect(h.state.complete("sort size d") == Completion(text: "sort size desc "))
    }

    @Test func commonPrefixIsByCharacter() {
        #expect(Completion.commonPrefix(["café-a", "café-b"]) == "café-")
        #expect(Completion.commonPrefix(["abc"]) == "abc")
        #expect(Completion.commonPrefix([]) == "")
    }

    @Test func completionColumnsRunDownThenAcross() {
        let lines = Render.completionLines(["aa", "bb", "cc", "dd", "ee"], width: 8, rows: 6)
        #expect(lines == ["aa  dd  ", "bb  ee  ", "cc  "])
        let cut = Render.completionLines((1...20).map { "n\($0)" }, width: 10, rows: 2)
        #expect(cut.count == 2)
        #expect(cut.last!.hasSuffix("… 17 more"))
    }
}
