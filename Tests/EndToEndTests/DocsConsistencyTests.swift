import Foundation
import Testing

/// Issue 14: the README's command table, `arty --help`, each subcommand's help and the man page
/// agree with the commands and options ArgumentParser knows (read from `arty --experimental-dump-help`).
@Suite(.enabled(if: ArtyBinary.path != nil, "needs a built arty binary"), .serialized)
struct DocsConsistencyTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// A command as ArgumentParser describes it: its path (`registry check`), the long names of its
    /// displayed options and flags, and its displayed subcommands.
    struct CommandInfo {
        var path: [String]
        var options: [String]
        var subcommands: [CommandInfo]

        init(_ json: [String: Any], parent: [String] = []) {
            let name = json["commandName"] as? String ?? ""
            path = parent.isEmpty && name == "arty" ? [] : parent + [name]
            let arguments = json["arguments"] as? [[String: Any]] ?? []
            options = arguments.filter { ($0["shouldDisplay"] as? Bool) ?? true }.compactMap { argument in
                let names = argument["names"] as? [[String: Any]] ?? []
                return names.first { ($0["kind"] as? String) == "long" }?["name"] as? String
            }.filter { $0 != "help" && $0 != "version" }
            let path = self.path
            subcommands = (json["subcommands"] as? [[String: Any]] ?? [])
                .filter { ($0["commandName"] as? String) != "help" && (($0["shouldDisplay"] as? Bool) ?? true) }
                .map { CommandInfo($0, parent: path) }
        }

        /// The commands that run something (a group such as `registry` only holds others).
        var leaves: [CommandInfo] { subcommands.isEmpty ? [self] : subcommands.flatMap(\.leaves) }
    }

    func run(_ args: [String]) throws -> String {
        let result = try TmuxSession.run([ArtyBinary.path!] + args)
        #expect(result.status == 0, "arty \(args.joined(separator: " ")) exited \(result.status)")
        return result.output
    }

    func commands() throws -> CommandInfo {
        let text = try run(["--experimental-dump-help"])
        let json = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
        return CommandInfo(try #require(json?["command"] as? [String: Any]))
    }

    /// The command paths of the README's `## Commands` table: the lower-case words after `arty`
    /// in each row's first cell (`arty registry check --data DIR` → `registry check`).
    static func readmeCommands(_ readme: String) -> Set<String> {
        guard let start = readme.range(of: "\n## Commands\n") else { return [] }
        let section = readme[start.upperBound...]
        let body = section.range(of: "\n## ").map { section[..<$0.lowerBound] } ?? section
        var paths: Set<String> = []
        for line in body.split(separator: "\n") where line.hasPrefix("| `arty") {
            let cell = line.dropFirst(3).prefix { $0 != "`" }
            let words = cell.split(separator: " ").dropFirst().prefix { $0.first?.isLetter == true && $0.allSatisfy { $0.isLowercase || $0 == "-" } }
            if !words.isEmpty { paths.insert(words.joined(separator: " ")) }
        }
        return paths
    }

    @Test func readmeTableParsing() {
        let readme = "x\n## Commands\n| command | does |\n|---|---|\n| `arty` | b |\n| `arty registry gc --data DIR` | g |\n| `arty ls [WS]` | l |\n"
            + "| `arty alias REF add\\|remove` | a |\n| `arty serve … [--x]` | s |\n## Next\n| `arty nope` | n |\n"
        #expect(DocsConsistencyTests.readmeCommands(readme) == ["registry gc", "ls", "alias", "serve"])
    }

    @Test func readmeListsEveryCommandAndNoOther() async throws {
        let readme = try String(contentsOf: Self.root.appendingPathComponent("README.md"), encoding: .utf8)
        let known = Set(try commands().leaves.map { $0.path.joined(separator: " ") })
        let listed = DocsConsistencyTests.readmeCommands(readme)
        #expect(known.count > 10)
        #expect(known.subtracting(listed).isEmpty, "missing from the README's command table: \(known.subtracting(listed).sorted())")
        #expect(listed.subtracting(known).isEmpty, "in the README but not a command: \(listed.subtracting(known).sorted())")
    }

    @Test func helpListsEveryCommandAndOption() async throws {
        let info = try commands()
        let top = try run(["--help"])
        for sub in info.subcommands { #expect(top.contains("  \(sub.path[0]) "), "arty --help misses \(sub.path[0])") }
        for leaf in info.leaves {
            let help = try run(leaf.path + ["--help"])
            #expect(help.contains("USAGE: arty \(leaf.path.joined(separator: " "))"))
            for option in leaf.options {
                #expect(help.contains("--\(option)"), "arty \(leaf.path.joined(separator: " ")) --help misses --\(option)")
            }
        }
    }

    /// The man page that `scripts/gen-docs.sh` generates (`make docs`), when it is there.
    static var manPage: URL { root.appendingPathComponent(".build/docs/man/arty.1") }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: manPage.path), "run scripts/gen-docs.sh first"))
    func manPageHasEveryCommandAndOption() throws {
        let man = try String(contentsOf: Self.manPage, encoding: .utf8)
        let info = try commands()
        for leaf in info.leaves {
            // generate-manual lists each command as `.It Em NAME` under its parent.
            for name in leaf.path { #expect(man.contains(".It Em \(name)\n"), "the man page misses the command \(name)") }
            for option in leaf.options {
                #expect(man.contains("Fl -\(option)") || man.contains("\\-\\-\(option)"), "the man page misses --\(option)")
            }
        }
    }
}
