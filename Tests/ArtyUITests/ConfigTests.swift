@testable import ArtyUI
import CometAPI
import Foundation
import Testing

/// config.toml (issue 14): parsing and validation are pure; the keymap, theme, mouse and download
/// settings it gives reach the browser through ``BrowserContext/config``.
@Suite struct ConfigTests {
    func parse(_ text: String) throws -> ArtyConfig { try ArtyConfig.parse(text, file: "config.toml") }

    func error(_ text: String) -> ConfigError? {
        do { _ = try parse(text); return nil } catch let e as ConfigError { return e } catch { return nil }
    }

    @Test func emptyFileGivesTheDefaults() throws {
        let c = try parse("")
        #expect(c == ArtyConfig())
        #expect(c.keymap == Keymap.browse)
        #expect(!c.mouse)
        #expect(c.downloadDestination(artifact: "mnist", version: "1.0.0") == "./mnist-1.0.0")
    }

    @Test func everySettingIsRead() throws {
        let c = try parse("""
            mouse = true
            [keys]
            quit = "x"
            download = ["D", "ctrl-g"]
            [theme]
            accent = "magenta"
            error = 196
            [download]
            folder = "/data/arty/"
            parallel = 8
            """)
        #expect(c.mouse)
        #expect(c.keymap.first { $0.command == .quit }?.keys == [.char("x")])
        #expect(c.keymap.first { $0.command == .download }?.keys == [.char("D"), .ctrl("g")])
        #expect(Keymap.command(for: .char("x"), in: c.keymap) == .quit)
        #expect(Keymap.command(for: .char("q"), in: c.keymap) == nil)
        #expect(c.theme.number(for: .accent) == 5)
        #expect(c.theme.number(for: .red) == 196)
        #expect(c.theme.number(for: .green) == 2)  // not set: the default
        #expect(c.theme.number(for: .normal) == -1)
        #expect(c.parallel == 8)
        #expect(c.downloadDestination(artifact: "org/mnist", version: "2.0.0") == "/data/arty/org_mnist-2.0.0")
    }

    @Test func keyNames() {
        #expect(KeyName.parse("x") == .char("x"))
        #expect(KeyName.parse("?") == .char("?"))
        #expect(KeyName.parse("ctrl-x") == .ctrl("x"))
        #expect(KeyName.parse("^G") == .ctrl("g"))
        #expect(KeyName.parse("C-a") == .ctrl("a"))
        // What the terminal really sends for these: a binding to ctrl-m is a binding to Enter.
        #expect(KeyName.parse("ctrl-m") == .enter)
        #expect(KeyName.parse("^I") == .tab)
        #expect(KeyName.parse("ctrl-h") == .backspace)
        #expect(ConfigFile.expandingHome("~/dl", environment: ["HOME": "/home/u"]) == "/home/u/dl")
        #expect(ConfigFile.expandingHome("~", environment: ["HOME": "/home/u"]) == "/home/u")
        #expect(ConfigFile.expandingHome("./~/x", environment: ["HOME": "/home/u"]) == "./~/x")
        #expect(ConfigFile.expandingHome("~user/x", environment: ["HOME": "/home/u"]) == "~user/x")
        #expect(KeyName.parse("Enter") == .enter)
        #expect(KeyName.parse("esc") == .escape)
        #expect(KeyName.parse("pgdn") == .pageDown)
        #expect(KeyName.parse("space") == .char(" "))
        #expect(KeyName.parse("ctrl-1") == nil)
        #expect(KeyName.parse("hyper") == nil)
        #expect(KeyName.parse("") == nil)
    }

    @Test func aCollisionNamesBothCommandsAndTheKey() {
        let e = error("""
            # my keys
            [keys]
            download = "q"
            """)
        #expect(e?.line == 3)
        #expect(e?.description == "config.toml:3: key 'q' is bound to both quit and download")
        // ^M is Enter on a terminal: binding it collides with opening the selection.
        #expect(error("[keys]\ndownload = \"ctrl-m\"")?.description == "config.toml:2: key 'Enter' is bound to both drillIn and download")
    }

    @Test func everyCollisionIsListed() {
        let table = Keymap.rebound(Keymap.browse, [(.mark, [.char("j")]), (.preview, [.char("d")])])
        #expect(Keymap.collisions(table).map(\.description) == [
            "key 'j' is bound to both moveDown and mark",
            "key 'd' is bound to both download and preview",
        ])
        #expect(Keymap.collisions(Keymap.browse).isEmpty)
    }

    @Test func swappingTwoKeysIsNoCollision() throws {
        let c = try parse("""
            [keys]
            mark = "M"
            jobs = "m"
            """)
        #expect(Keymap.command(for: .char("m"), in: c.keymap) == .jobs)
        #expect(Keymap.command(for: .char("M"), in: c.keymap) == .mark)
    }

    @Test func badInputSaysWhereAndWhat() {
        #expect(error("mouse = yes")?.line == 1)  // TOML syntax: TOMLKit's line
        #expect(error("mouse = \"yes\"")?.description == "config.toml:1: mouse must be true or false")
        #expect(error("\ncolour = 1")?.description == "config.toml:2: unknown key 'colour'; known: keys, theme, mouse, download")
        #expect(error("[keys]\nfly = \"f\"")?.line == 2)
        #expect(error("[keys]\nfly = \"f\"")?.message.hasPrefix("unknown command 'fly' in [keys]; known: moveUp, moveDown") == true)
        #expect(error("[keys]\nquit = \"hyper\"")?.message.hasPrefix("keys.quit: unknown key 'hyper'") == true)
        #expect(error("[keys]\nquit = 3")?.line == 2)
        #expect(error("[theme]\naccent = \"mauve\"")?.message.hasPrefix("theme.accent must be a colour name") == true)
        #expect(error("[theme]\nbackground = \"red\"")?.message.hasPrefix("unknown theme role 'background'") == true)
        #expect(error("[download]\nparallel = 0")?.description == "config.toml:2: download.parallel must be a whole number from 1 to 64")
        #expect(error("[download]\n\nthreads = 4")?.description
                == "config.toml:3: unknown key 'threads' in [download]; known: folder, parallel")
    }

    @Test func reboundKeysDriveDispatchFooterAndHelp() async {
        var context = BrowserContext(serverLabel: "local registry", userName: "alice")
        context.config = try! parse("[keys]\nfilter = \"f\"\nquit = \"x\"")
        var h = await Harness(context: context)
        #expect(Keymap.hints(in: h.state).map(\.key).contains("f"))
        #expect(h.frame().line(23).contains("f filter"))
        #expect(h.frame().line(23).contains("x quit"))
        await h.press(.char("/"))
        #expect(!h.state.filterEditing)
        await h.press(.char("f"))
        #expect(h.state.filterEditing)
        await h.press(.escape, .char("q"))
        #expect(!h.state.quitRequested)
        await h.press(.char("x"))
        #expect(h.state.quitRequested)
    }

    @Test func theDownloadDialogProposesTheConfiguredFolder() async {
        var context = BrowserContext(serverLabel: "local registry", userName: "alice")
        context.config.downloadFolder = "/srv/models"
        var h = await versionsHarness(context: context)
        await h.press(.char("d"))
        let planned = h.effects.compactMap { effect -> String? in
            if case .planDownload(_, _, _, _, let destination, _) = effect { return destination } else { return nil }
        }
        #expect(planned.last == "/srv/models/mnist-digits-2.1.0")
    }

    @Test func fileLocationFollowsFlagThenEnvironment() {
        #expect(ConfigFile.location(explicit: "/x.toml", environment: ["ARTY_CONFIG": "/y.toml"]).path == "/x.toml")
        #expect(ConfigFile.location(explicit: nil, environment: ["ARTY_CONFIG": "/y.toml"]) == ("/y.toml", true))
        #expect(ConfigFile.location(explicit: nil, environment: ["XDG_CONFIG_HOME": "/cfg", "HOME": "/h"]) == ("/cfg/arty/config.toml", false))
        #expect(ConfigFile.location(explicit: nil, environment: ["HOME": "/h"]) == ("/h/.config/arty/config.toml", false))
    }

    @Test func loadingExpandsHomeAndRefusesAMissingNamedFile() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("arty-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("config.toml").path
        try "[download]\nfolder = \"~/dl\"\n".write(toFile: file, atomically: true, encoding: .utf8)
        #expect(try ConfigFile.load(explicit: file, environment: ["HOME": "/home/u"]).downloadFolder == "/home/u/dl")
        #expect(throws: ConfigError.self) { try ConfigFile.load(explicit: dir.appendingPathComponent("nope.toml").path, environment: [:]) }
        #expect(try ConfigFile.load(explicit: nil, environment: ["XDG_CONFIG_HOME": dir.appendingPathComponent("none").path]) == ArtyConfig())
    }
}
