import ArgumentParser
import ArtifactRegistry
import CometAPI
import Foundation

/// How a command reaches Comet: `--url-override`, `--api-key`, `--workspace`, `--insecure`.
///
/// Each flag wins over its environment variable (`COMET_URL_OVERRIDE`, `COMET_API_KEY`,
/// `COMET_WORKSPACE`), which wins over `.comet.config` files (reference §1.3; see
/// ``CometConfiguration/resolve(flags:environment:currentDirectory:homeDirectory:readFile:isDirectory:)``).
struct ConnectionOptions: ParsableArguments {
    @Option(name: .customLong("url-override"),
            help: ArgumentHelp("Comet clientlib URL, e.g. https://www.comet.com/clientlib/ (default: COMET_URL_OVERRIDE or .comet.config).",
                               valueName: "url"))
    var urlOverride: String?

    @Option(name: .customLong("api-key"),
            help: ArgumentHelp("Comet API key (default: COMET_API_KEY or .comet.config). Prefer the environment: flags show in process lists.",
                               valueName: "key"))
    var apiKey: String?

    @Option(name: .long, help: ArgumentHelp("Default workspace (default: COMET_WORKSPACE or .comet.config).", valueName: "name"))
    var workspace: String?

    @Flag(name: .long, help: "Do not verify the server's TLS certificate (only for a server you trust).")
    var insecure = false

    var flags: ConfigurationFlags {
        ConfigurationFlags(apiKey: apiKey, workspace: workspace, urlOverride: urlOverride, insecure: insecure)
    }

    /// The resolved configuration for this process.
    /// - Throws: ``CometAPIError/configuration(_:)``.
    func configuration() throws -> CometConfiguration {
        let configuration = try CometConfiguration.fromProcess(flags: flags)
        ConfigurationWarnings.printOnce(configuration.warnings)
        return configuration
    }
}

/// Prints configuration warnings to stderr once per process (a command may resolve twice).
enum ConfigurationWarnings {
    private static let printed = OnceFlag()
    static func printOnce(_ warnings: [String]) {
        guard !warnings.isEmpty, printed.set() else { return }
        for warning in warnings { printError(warning) }
    }
}

/// The single place that decides which server a command talks to: the configured Comet server,
/// or the embedded local registry when none is configured (see ``connect(_:)``).
/// - Throws: ``CometAPIError/configuration(_:)``, or the embedded registry's start-up error.
func makeClient(_ options: ConnectionOptions) async throws -> CometClient {
    try await connect(options).client
}

/// Runs a command body, turning failures into the CLI's exit codes: a user message on stderr and
/// exit 1 for run-time errors (``CometAPIError``), exit 2 for usage errors.
func runReportingErrors(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let error as CometAPIError {
        printError(error.userMessage)
        throw ExitCode(1)
    } catch let error as UsageError {
        printError("Error: \(error.message)")
        throw ExitCode(2)
    } catch let error as RegistryStartError {
        // The embedded local registry could not start (unusable data directory, no free port).
        printError("Error: the local registry cannot start: \(error)")
        throw ExitCode(1)
    }
}

/// A mistake in how the command was called (exit status 2).
struct UsageError: Error {
    var message: String
}

/// Writes one line to stderr (never stdout, which `--json` keeps machine-readable), with the API
/// key redacted and control characters escaped (a server message or asset name cannot drive the
/// terminal).
func printError(_ message: String) {
    FileHandle.standardError.write(Data((TerminalText.escape(Redaction.redact(message)) + "\n").utf8))
}

/// Prints each of `lines` on its own line of stdout, made terminal-safe (``TerminalText``): a
/// newline or escape sequence inside a name stays visible text.
func printLines(_ lines: [String]) {
    for line in lines { print(TerminalText.escape(line)) }
}
