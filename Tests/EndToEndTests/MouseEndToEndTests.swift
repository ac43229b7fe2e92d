import Foundation
import Testing

/// The opt-in mouse (issue 14) with the real binary: tmux passes a mouse report typed with
/// `send-keys -l` to the program as it is. ncurses here reads the X10 encoding `ESC [ M b x y`
/// (each byte 32 + the value, cells from 1), which tmux itself sends to a program that asks for it.
extension BrowserEndToEndTests {
    /// A left click at the 0-based cell (x, y): the press (`b` 0) and the release (`b` 3), as a
    /// terminal sends them (ncurses drops a second press that follows a press without a release).
    static func mouseReport(x: Int, y: Int) -> String {
        func report(_ b: Int) -> String {
            "\u{1B}[M" + String(UnicodeScalar(UInt8(32 + b))) + String(UnicodeScalar(UInt8(33 + x))) + String(UnicodeScalar(UInt8(33 + y)))
        }
        return report(0) + report(3)
    }

    @Test func clickSelectsARowAndDoubleClickOpensIt() async throws {
        let tmux = try TmuxSession([ArtyBinary.path!, "browse", "--fake", "--fake-latency", "20", "--mouse"])
        try await tmux.waitForWholeFrame("Workspaces (4)", "│›mnist-team", "Artifacts (5)")
        // At 100 columns the current column starts at x 17; list rows start at y 3: y 5 is `vision`.
        try tmux.type(Self.mouseReport(x: 30, y: 5))
        try await tmux.waitForWholeFrame("│›vision", "Workspaces (4)")
        try await Task.sleep(for: .milliseconds(500))  // longer than a double click: the next two clicks are one (suspends: never block the pool)
        try tmux.type(Self.mouseReport(x: 30, y: 5))
        try tmux.type(Self.mouseReport(x: 30, y: 5))
        try await tmux.waitForWholeFrame("workspace vision", "Artifacts (0)", "\n›vision")
        try tmux.send("q")
        try await tmux.waitForExit()
    }
}
