import ArgumentParser
import ArtyUI
import CometAPI
import Foundation

/// `--config FILE`: the config file of the commands that read one (`browse`, `download`, `config`).
struct ConfigOption: ParsableArguments {
    @Option(name: .customLong("config"),
            help: ArgumentHelp("Config file (default: $ARTY_CONFIG, else $XDG_CONFIG_HOME/arty/config.toml, else ~/.config/arty/config.toml).",
                               valueName: "file"))
    var path: String?

    /// Reads the config file; a bad one is reported on stderr (every problem, `FILE:LINE: …`)
    /// and ends the command with exit status 2.
    func load() throws -> ArtyConfig {
        do {
            return try ConfigFile.load(explicit: path)
        } catch let error as ConfigError {
            ConfigOption.report(error)
            throw ExitCode(2)
        }
    }

    /// Prints `error` on stderr, one line per problem (a collision list has several).
    static func report(_ error: ConfigError) {
        let place = error.file + (error.line.map { ":\($0)" } ?? "")
        for line in error.message.split(separator: "\n") { printError("Error: \(place): \(line)") }
    }
}

/// `arty config`: checks the config file and shows what it sets, key bindings included.
struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Check the config file and show the settings and key bindings in force.",
        discussion: """
            Reads config.toml (see docs/configuration.md): [keys] rebinds the browser's commands, [theme] sets \
            colours, mouse turns the mouse on, [download] sets the default folder and parallelism. A key bound \
            to two commands, an unknown key or a bad value is an error naming the file and line. \
            Exit status: 0 when the file is valid (or absent), 2 when it is not.
            """)

    @OptionGroup var config: ConfigOption

    @Flag(name: .long, help: "Only check the file: print nothing when it is valid.")
    var check = false

    func run() throws {
        let settings = try config.load()
        guard !check else { return }
        let (path, _) = ConfigFile.location(explicit: config.path, environment: ProcessInfo.processInfo.environment)
        printLines(ConfigCommand.describe(settings, path: path, exists: FileManager.default.fileExists(atPath: path)))
    }

    /// The settings in force and the key bindings, as `arty config` prints them (pure).
    static func describe(_ settings: ArtyConfig, path: String, exists: Bool) -> [String] {
        var lines = ["config file: \(path)" + (exists ? "" : " (absent: built-in defaults)"),
                     "mouse: \(settings.mouse)",
                     "download.folder: \(settings.downloadFolder ?? "./ (ARTIFACT-VERSION under the current folder)")",
                     "download.parallel: \(settings.parallel.map(String.init) ?? TransferParallelism.default.description)"]
        lines += Theme.Role.allCases.map { "theme.\($0.rawValue): \(settings.theme.colors[$0] ?? Theme.defaultColor($0))" }
        lines.append("keys:")
        let width = Command.allCases.map(\.rawValue.count).max() ?? 0
        for binding in settings.keymap {
            let name = binding.command.rawValue
            lines.append("  " + name + String(repeating: " ", count: width - name.count) + "  "
                         + binding.keys.map(\.description).joined(separator: " "))
        }
        return lines
    }
}
