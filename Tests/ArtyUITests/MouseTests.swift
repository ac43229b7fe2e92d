@testable import ArtyUI
import CometAPI
import Testing

/// The opt-in mouse (issue 14): the pure mapping from a screen cell to a pane's row, and the
/// reducer's click, double click and wheel.
@Suite struct MouseTests {
    @Test func layoutMapsCellsToColumnsAndListLines() {
        let layout = Layout(width: 80)  // parent 0..<13, current 14..<55, preview 56..<80
        #expect(layout.hit(x: 20, y: 3, height: 24)! == (.current, 0))
        #expect(layout.hit(x: 0, y: 7, height: 24)! == (.parent, 4))
        #expect(layout.hit(x: 79, y: 18, height: 24)! == (.preview, 15))
        #expect(layout.hit(x: 13, y: 5, height: 24) == nil)   // the separator
        #expect(layout.hit(x: 20, y: 2, height: 24) == nil)   // column headings
        #expect(layout.hit(x: 20, y: 21, height: 24)! == (.current, 18))  // the last of 19 list rows
        #expect(layout.hit(x: 20, y: 22, height: 24) == nil)  // the status line
        #expect(Layout(width: 50).hit(x: 49, y: 3, height: 24)! == (.current, 0))
    }

    @Test func firstVisibleRowKeepsTheCursorNearTheMiddle() {
        #expect(Layout.firstVisible(cursor: 0, count: 100, listRows: 10) == 0)
        #expect(Layout.firstVisible(cursor: 50, count: 100, listRows: 10) == 45)
        #expect(Layout.firstVisible(cursor: 99, count: 100, listRows: 10) == 90)
        #expect(Layout.firstVisible(cursor: 3, count: 5, listRows: 10) == 0)
    }

    /// The screen row with the current pane's cursor `›` (the current column starts at x 14 at 80 wide).
    func selectedLine(_ h: Harness) -> Int? {
        h.frame().text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.dropFirst(14).hasPrefix("›") }
    }

    @Test func clickSelectsTheRowUnderIt() async {
        var h = await Harness()
        #expect(selectedLine(h) == 3)
        await h.send(.key(.mouse(MouseEvent(.press, x: 30, y: 5, millis: 1000))))
        #expect(selectedLine(h) == 5)
        let rows = h.state.visibleEntries(of: h.state.current)!
        #expect(h.selected?.id == rows[2].id)
        #expect(h.state.panes.count == 1)
        // A second click on the same row, soon after, opens it (like Enter).
        await h.send(.key(.mouse(MouseEvent(.press, x: 30, y: 5, millis: 1300))))
        #expect(h.state.panes.count == 2)
        #expect(h.state.current.key.level == .artifacts)
        #expect(h.state.panes[0].selectedID == rows[2].id)
    }

    @Test func slowSecondClickOnlySelects() async {
        var h = await Harness()
        await h.send(.key(.mouse(MouseEvent(.press, x: 30, y: 4, millis: 1000))))
        await h.send(.key(.mouse(MouseEvent(.press, x: 30, y: 4, millis: 1000 + BrowserState.doubleClickMillis + 1))))
        #expect(h.state.panes.count == 1)
        #expect(selectedLine(h) == 4)
    }

    @Test func clicksOutsideTheListsDoNothing() async {
        var h = await Harness()
        let before = h.state
        await h.send(.key(.mouse(MouseEvent(.press, x: 30, y: 0, millis: 1))))
        await h.send(.key(.mouse(MouseEvent(.press, x: 30, y: 20, millis: 2))))  // far below the 4 workspaces
        #expect(h.state.current == before.current)
        #expect(h.state.panes.count == 1)
    }

    @Test func parentColumnGoesBackToTheClickedRow() async {
        var h = await Harness()
        await h.press(.enter)
        #expect(h.state.panes.count == 2)
        let workspaces = h.state.visibleEntries(of: h.state.panes[0])!
        await h.send(.key(.mouse(MouseEvent(.press, x: 2, y: 4, millis: 1))))
        #expect(h.state.panes.count == 1)
        #expect(h.selected?.id == workspaces[1].id)
    }

    @Test func previewColumnOpensTheSelection() async {
        var h = await Harness()
        await h.send(.key(.mouse(MouseEvent(.press, x: 60, y: 3, millis: 1))))
        #expect(h.state.panes.count == 2)
        #expect(h.state.current.key.level == .artifacts)
    }

    @Test func wheelMovesTheCursorThreeRows() async {
        var h = await Harness()
        await h.press(.enter)  // mnist-team's 5 artifacts
        await h.send(.key(.mouse(MouseEvent(.wheelDown, x: 30, y: 10))))
        let rows = h.state.visibleEntries(of: h.state.current)!
        #expect(h.selected?.id == rows[3].id)
        await h.send(.key(.mouse(MouseEvent(.wheelUp, x: 30, y: 10))))
        #expect(h.selected?.id == rows[0].id)
    }

    @Test func mouseIsIgnoredWhileTheHelpIsOpen() async {
        var h = await Harness()
        await h.press(.char("?"))
        let before = h.state.current
        await h.send(.key(.mouse(MouseEvent(.press, x: 30, y: 5, millis: 1))))
        #expect(h.state.overlay != nil)
        #expect(h.state.current == before)
    }
}
