import ArtifactRegistry
import CometAPI
import Foundation

/// The embedded default: when no Comet server is configured, arty starts its local registry
/// in-process on an ephemeral loopback port, with its data under `$XDG_DATA_HOME/arty`
/// (default `~/.local/share/arty`), and talks to it over HTTP like to any Comet server.
///
/// Started at most once per process; it lives until the process ends (every write it accepted
/// is committed to SQLite before the response, so no stop step is needed for durability).
actor EmbeddedRegistry {
    static let shared = EmbeddedRegistry()

    private var running: LocalRegistry?

    /// The running registry, starting it on first use.
    /// - Throws: the registry's start-up error (unwritable data directory, database error).
    func registry() async throws -> LocalRegistry {
        if let running { return running }
        let directory = RegistryConfiguration.defaultDataDirectory()
        let registry = try await LocalRegistry.start(RegistryConfiguration(dataDirectory: directory))
        running = registry
        return registry
    }

    /// Stops the registry if it was started (graceful: in-flight requests finish).
    func stop() async {
        await running?.stop()
        running = nil
    }
}

/// A client for the server a command talks to, and how to name that server to the user.
struct ServerConnection {
    var client: CometClient
    /// `www.comet.com`, `127.0.0.1:8080`, or `local registry (~/.local/share/arty)`.
    var label: String
    /// The workspace to start in (`--workspace`, `COMET_WORKSPACE`, config), if any.
    var workspace: String?
    /// The web UI's root when the server is comet.com-like (``WebLinks/webRoot(forClientlibURL:)``);
    /// nil for the local registry and other servers.
    var webRoot: String? = nil
}

/// Connects to the configured Comet server, or to the embedded local registry when none is
/// configured (no API key and no URL override in flags, environment or config files).
/// - Throws: ``CometAPIError/configuration(_:)`` for a malformed configuration; the registry's
///   start-up error when the embedded default cannot start.
func connect(_ options: ConnectionOptions) async throws -> ServerConnection {
    let configuration = try options.configuration()
    if configuration.hasServer {
        let host = (URL(string: configuration.urlOverride)?.host).map { host in
            URL(string: configuration.urlOverride)?.port.map { "\(host):\($0)" } ?? host
        } ?? configuration.urlOverride
        return ServerConnection(client: CometClient(configuration: configuration), label: host,
                                workspace: configuration.workspace, webRoot: WebLinks.webRoot(forClientlibURL: configuration.urlOverride))
    }
    let registry = try await EmbeddedRegistry.shared.registry()
    let local = try CometConfiguration(apiKey: registry.apiKey, workspace: configuration.workspace,
                                   urlOverride: registry.urlOverride)
    let home = FileManager.default.homeDirectoryForCurrentUser.path
    var path = registry.dataDirectory.path
    if path.hasPrefix(home + "/") { path = "~" + path.dropFirst(home.count) }
    return ServerConnection(client: CometClient(configuration: local), label: "local registry (\(path))",
                            workspace: configuration.workspace)
}
