@testable import ArtyUI
import CometAPI
import Testing

/// Issue 14: the header `arty │ arty │ arty` said nothing of what each name was.
@Suite struct HeaderTests {
    @Test func everyCellIsLabelled() async {
        var h = await Harness(size: Size(width: 132, height: 43))
        #expect(h.frame().line(0).hasPrefix(" arty  server local registry │ user alice │ workspaces"))
        await h.press(.enter, .char("/"))
        await h.type("mnist")
        await h.press(.enter, .enter, .char("j"), .enter)
        #expect(h.frame().line(0).hasPrefix(
            " arty  server local registry │ user alice │ workspace mnist-team │ artifact mnist-digits │ version 2.1.0"))
    }

    @Test func narrowHeadersKeepThePlace() async {
        var state = BrowserState(context: BrowserContext(serverLabel: "arty", userName: "arty", readOnly: true))
        state.panes.append(Pane(key: .versions(workspace: "arty", artifact: "arty")))
        let cells = { (room: Int) in Render.headerCells(state, room: room).map { ($0.label ?? "") + "=" + $0.value } }
        #expect(cells(69) == ["server=arty", "user=arty", "=read-only", "workspace=arty", "artifact=arty"])  // exactly fits
        #expect(cells(60) == ["=arty", "=arty", "=read-only", "workspace=arty", "artifact=arty"])
        #expect(cells(45) == ["=read-only", "workspace=arty", "artifact=arty"])
    }
}
