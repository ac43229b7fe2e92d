@testable import ArtyUI
import CometAPI
import Testing

/// The `:` command line on screen: the field on the status line, Tab's candidates above it, its
/// keys in the footer; and a goto's arrival with its `arty ls` equivalent.
@Suite struct CommandLineSnapshotTests {
    @Test(arguments: [Size(width: 80, height: 24), Size.minimum])
    func commandLineWithCompletions(size: Size) async {
        var h = await Harness(size: size)
        await h.press(.char(":"))
        await h.type("goto mnist-team/")
        await h.press(.tab)
        #expect(h.state.commandLine?.candidates.count == 5)
        assertSnapshot(h.text, named: SnapshotTests.name("command-line-completions", size))
    }

    @Test func gotoArrivalShowsTheEquivalentCommand() async {
        var h = await Harness(size: Size(width: 100, height: 24))
        await h.command("mnist-team/mnist-digits:production/data/train.csv")
        let text = h.text
        #expect(text.contains("$ arty ls mnist-team/mnist-digits:2.1.0"))
        assertSnapshot(text, named: "goto-asset-100x24")
    }
}
