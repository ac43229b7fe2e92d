import CometAPI
import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOCore
import ServiceLifecycle

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where and how a ``LocalRegistry`` runs.
public struct RegistryConfiguration: Sendable {
    /// The data directory: `registry.sqlite` (WAL), `blobs/`, `tmp/`, and the generated key file.
    public var dataDirectory: URL
    /// Address to bind; loopback by default.
    public var host: String = "127.0.0.1"
    /// TCP port; 0 picks an ephemeral port (read the bound one from ``LocalRegistry/port``).
    public var port: Int = 0
    /// The default user's API key. When nil, a key is generated once and kept in
    /// `<dataDirectory>/api-key` (mode 0600).
    public var apiKey: String?
    /// Test-only fault injection (issue 7): answers are spoiled as its plan says. nil (the
    /// default) serves every request normally.
    public var faults: FaultInjector?
    /// Test and benchmark instrumentation: counts (and optionally logs) every request by path before
    /// anything else sees it, injected faults included. nil (the default) counts nothing.
    public var requests: RequestCounter?
    /// Serve arty's extensions (docs/wire.md: `contentSha256`, `labels/delta`, `copy-asset`). True by
    /// default; false answers like a plain Comet server (tests of the client's fallbacks).
    public var extensions: Bool
    /// Where one line per request goes (``AccessLogEntry``); nil (the default) logs no requests.
    public var accessLog: (any AccessLogSink)?
    /// Level of the server's own log (swift-log, to standard error): `.warning` by default. At
    /// `.debug` and `.trace` Hummingbird's own messages are shown too.
    public var logLevel: Logger.Level = .warning
    /// HTTPS with this certificate and key; nil (the default) serves plain HTTP.
    public var tls: RegistryTLS?
    /// How long ``LocalRegistry/stop()`` lets requests in flight (uploads, downloads) finish after
    /// it stops accepting connections; what is still running then is cut off. 10 seconds by default.
    public var shutdownTimeout: Duration = .seconds(10)

    public init(dataDirectory: URL, host: String = "127.0.0.1", port: Int = 0, apiKey: String? = nil,
                faults: FaultInjector? = nil, requests: RequestCounter? = nil, extensions: Bool = true,
                accessLog: (any AccessLogSink)? = nil, logLevel: Logger.Level = .warning,
                tls: RegistryTLS? = nil, shutdownTimeout: Duration = .seconds(10)) {
        self.tls = tls
        self.shutdownTimeout = shutdownTimeout
        self.extensions = extensions
        self.dataDirectory = dataDirectory
        self.host = host
        self.port = port
        self.apiKey = apiKey
        self.faults = faults
        self.requests = requests
        self.accessLog = accessLog
        self.logLevel = logLevel
    }

    /// The embedded default's data directory: `$XDG_DATA_HOME/arty`, else `~/.local/share/arty`.
    public static func defaultDataDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        if let xdg = environment["XDG_DATA_HOME"], !xdg.isEmpty {
            return URL(fileURLWithPath: xdg, isDirectory: true).appendingPathComponent("arty", isDirectory: true)
        }
        let home = environment["HOME"].map { URL(fileURLWithPath: $0, isDirectory: true) }
            ?? FileManager.default.homeDirectoryForCurrentUser
        return home.appendingPathComponent(".local/share/arty", isDirectory: true)
    }
}

/// Why a ``LocalRegistry`` could not start: a start-up failure, never an HTTP answer (no status,
/// no `sdk_error_code`). ``description`` is one line without the command name, e.g.
/// `cannot listen on 127.0.0.1:45721: address already in use`.
public enum RegistryStartError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The address cannot be bound (port in use, no such local address, host that does not resolve).
    case cannotListen(host: String, port: Int, reason: String)
    /// The data directory cannot be created or used; the text names the path and the cause.
    case dataDirectory(String)

    public var description: String {
        switch self {
        case .cannotListen(let host, let port, let reason): "cannot listen on \(host.contains(":") ? "[\(host)]" : host):\(port): \(reason)"
        case .dataDirectory(let text): text
        }
    }

    /// A short lower-case cause for a bind failure: the `errno` text of a NIO `IOError`
    /// ("address already in use"), "cannot resolve the host" for an unknown address, else the
    /// error's own text.
    static func reason(_ error: (any Error)?) -> String {
        guard let error else { return "the server stopped" }
        if let io = error as? IOError { return FileSystemErrorText.reason(errno: io.errnoCode) }
        if error is SocketAddressError || error is SocketAddressError.UnknownHost { return "the host cannot be resolved" }
        return String(describing: error)
    }
}

/// Why `arty user add` (``LocalRegistry/addUser(name:dataDirectory:rotate:)``) refused.
public enum UserAddError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The name is not usable; the text says why.
    case invalidName(String)
    /// The directory holds no registry database.
    case noRegistry(String)
    /// The user exists and `--rotate` was not given.
    case exists(String)

    public var description: String {
        switch self {
        case .invalidName(let why): "invalid user name: \(why)"
        case .noRegistry(let path): "no registry at '\(path)'; create it with: arty serve --data '\(path)'"
        case .exists(let name):
            "user '\(name)' already exists; use --rotate to revoke its keys and issue a new one"
        }
    }

    /// True for a mistake in the command line (exit status 2): an invalid name.
    public var isUsage: Bool { if case .invalidName = self { true } else { false } }
}

/// POSIX `open` with a mode (the module-qualified name differs between Linux and Darwin).
func openFile(_ path: String, _ flags: Int32, _ mode: mode_t) -> Int32 {
    #if canImport(Glibc)
    return Glibc.open(path, flags, mode)
    #else
    return Darwin.open(path, flags, mode)
    #endif
}

/// A running local Comet-compatible artifact registry (issue 3): HTTP on `host:port`, metadata in
/// SQLite, blobs content-addressed on disk. Speaks the protocol of reference §2 / §5.4.
///
/// ```swift
/// let registry = try await LocalRegistry.start(.init(dataDirectory: dir))
/// // COMET_URL_OVERRIDE = registry.urlOverride, COMET_API_KEY = registry.apiKey
/// await registry.stop()
/// ```
public final class LocalRegistry: Sendable {
    /// The default user of a registry: owns the configured or generated key.
    public static let defaultUserName = "arty"
    /// File name of the generated default key inside the data directory.
    public static let apiKeyFileName = "api-key"

    /// The bound TCP port.
    public let port: Int
    /// The bound host.
    public let host: String
    /// Whether the registry serves HTTPS (``RegistryConfiguration/tls``).
    public let isTLS: Bool
    /// The default user's API key (a secret: never print or log it).
    public let apiKey: String
    /// The 0600 file holding the generated key, or nil when the key was given in the configuration.
    public let apiKeyFile: URL?
    /// The data directory.
    public let dataDirectory: URL
    /// The metadata store.
    public let store: RegistryStore
    let task: Task<Void, any Error>
    let group: ServiceGroup
    let lock: DataDirectoryLock

    /// The value for `COMET_URL_OVERRIDE`: `http://HOST:PORT/clientlib/`, `https://…` with TLS.
    public var urlOverride: String { "\(isTLS ? "https" : "http")://\(Self.urlHost(host)):\(port)/clientlib/" }

    private init(port: Int, host: String, isTLS: Bool, apiKey: String, apiKeyFile: URL?, dataDirectory: URL,
                 store: RegistryStore, task: Task<Void, any Error>, group: ServiceGroup, lock: DataDirectoryLock) {
        self.port = port
        self.host = host
        self.isTLS = isTLS
        self.group = group
        self.apiKey = apiKey
        self.apiKeyFile = apiKeyFile
        self.dataDirectory = dataDirectory
        self.store = store
        self.task = task
        self.lock = lock
    }

    static func urlHost(_ host: String) -> String {
        if host == "0.0.0.0" || host.isEmpty { return "127.0.0.1" }
        if host.contains(":") { return "[\(host)]" }
        return host
    }

    /// Opens the data directory (migrating the schema, removing temporary files and unreferenced
    /// blobs left by a crash), makes sure the default user and key exist, and starts serving.
    /// Returns once the port is bound.
    /// - Throws: ``RegistryStartError`` when the data directory cannot be used or the address cannot
    ///   be bound; database errors otherwise.
    public static func start(_ configuration: RegistryConfiguration) async throws -> LocalRegistry {
        let (store, blobs) = try open(dataDirectory: configuration.dataDirectory)
        // Clean up after a crash only when no other registry serves this directory: another one may
        // be in the middle of an upload (its temporary file or freshly renamed blob is not garbage).
        let lock = try DataDirectoryLock(directory: configuration.dataDirectory)
        if lock.isExclusive { try blobs.collectGarbage(referenced: store.referencedBlobs()) }
        lock.share()

        let key: String
        let keyFile: URL?
        if let given = configuration.apiKey, !given.isEmpty {
            key = given
            keyFile = nil
        } else {
            let file = configuration.dataDirectory.appendingPathComponent(apiKeyFileName)
            key = try readOrCreateKey(at: file)
            keyFile = file
        }
        try store.addKey(key, userName: defaultUserName)

        var logger = Logger(label: "arty.registry")
        logger.logLevel = configuration.logLevel
        let responder = RegistryResponder(store: store, blobs: blobs, logger: logger, extensions: configuration.extensions)
        let (ports, portContinuation) = AsyncStream<Int>.makeStream()
        // Hummingbird logs a cancelled child channel at error level on every graceful stop: keep its
        // own logger quiet unless debugging was asked for.
        var serverLogger = logger
        serverLogger.logLevel = configuration.logLevel <= .debug ? configuration.logLevel : .critical
        let faulty = FaultInjectingResponder(inner: responder, injector: configuration.faults)
        var server = HTTPServerBuilder.http1()
        if let tls = configuration.tls { server = try tls.serverBuilder() }
        let app = Application(
            responder: AccessLogResponder(inner: CountingResponder(inner: faulty, counter: configuration.requests),
                                          sink: configuration.accessLog),
            server: server,
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: nil),
            onServerRunning: { channel in
                portContinuation.yield(channel.localAddress?.port ?? configuration.port)
                portContinuation.finish()
            },
            logger: serverLogger
        )
        // The application runs as the one service of a group whose graceful shutdown (``stop()``)
        // closes the listening socket, lets open requests finish, and after `shutdownTimeout`
        // cancels what is left (swift-service-lifecycle's maximumGracefulShutdownDuration).
        var groupConfiguration = ServiceGroupConfiguration(services: [app], logger: serverLogger)
        groupConfiguration.maximumGracefulShutdownDuration = configuration.shutdownTimeout
        let group = ServiceGroup(configuration: groupConfiguration)
        let task = Task {
            defer { portContinuation.finish() }
            try await group.run()
        }
        var bound: Int?
        for await port in ports { bound = port }
        guard let port = bound else {
            let error: (any Error)? = await { () async -> (any Error)? in
                do { try await task.value; return nil } catch { return error }
            }()
            throw RegistryStartError.cannotListen(host: configuration.host, port: configuration.port,
                                                  reason: RegistryStartError.reason(error))
        }
        return LocalRegistry(port: port, host: configuration.host, isTLS: configuration.tls != nil, apiKey: key,
                             apiKeyFile: keyFile, dataDirectory: configuration.dataDirectory, store: store,
                             task: task, group: group, lock: lock)
    }

    /// Stops serving gracefully and waits for the server to end: the listening socket is closed at
    /// once (new connections are refused), idle connections are closed, and requests in flight get
    /// up to ``RegistryConfiguration/shutdownTimeout`` to finish; then they are cancelled and
    /// their connections closed. An upload that completes in time is committed as usual.
    public func stop() async {
        await group.triggerGracefulShutdown()
        _ = try? await task.value
        lock.release()
    }

    /// Waits until the server ends (after ``stop()``, or when it fails).
    public func wait() async throws {
        try await task.value
    }

    /// Adds a user (with a default workspace of the same name) and a new API key for it.
    /// Returns the key. The user may already exist: it then gets one more key.
    public func addUser(name: String) throws -> String {
        try Self.addUser(name: name, store: store)
    }

    /// Adds a user and key to the registry in `dataDirectory` (which may be served by another
    /// process at the same time: SQLite WAL). The key is also written to `keys/NAME.key` (0600).
    ///
    /// - Parameter rotate: when the user exists already: false refuses
    ///   (``UserAddError/exists(_:)``); true revokes every earlier key of the user and issues a
    ///   new one (the old keys stop working at once; `keys/NAME.key` is replaced).
    /// - Returns: the key and the file holding it.
    /// - Throws: ``UserAddError`` for an invalid name, a directory that holds no registry, or an
    ///   existing user without `rotate`.
    public static func addUser(name: String, dataDirectory: URL, rotate: Bool = false) throws -> (key: String, file: URL) {
        if let problem = userNameProblem(name) { throw UserAddError.invalidName(problem) }
        guard FileManager.default.fileExists(atPath: dataDirectory.appendingPathComponent(databaseFileName).path) else {
            throw UserAddError.noRegistry(dataDirectory.path)
        }
        let (store, _) = try open(dataDirectory: dataDirectory)
        if try store.userExists(name: name) {
            guard rotate else { throw UserAddError.exists(name) }
            try store.revokeKeys(userName: name)
        }
        let key = try addUser(name: name, store: store)
        let dir = dataDirectory.appendingPathComponent("keys", isDirectory: true)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        let file = dir.appendingPathComponent("\(name).key")
        try writeSecret(key, to: file)
        return (key, file)
    }

    /// File name of the metadata database inside the data directory.
    public static let databaseFileName = "registry.sqlite"

    /// Why `name` cannot be a user (and workspace) name, or nil when it can: it must not be empty
    /// or blank, have surrounding spaces, contain `/`, `:` or a control character.
    public static func userNameProblem(_ name: String) -> String? {
        if name.trimmingCharacters(in: .whitespaces).isEmpty { return "a user name must not be empty" }
        if name != name.trimmingCharacters(in: .whitespaces) { return "'\(name)' has leading or trailing spaces" }
        if name.contains("/") || name.contains(":") {
            return "'\(name)' contains '/' or ':', which cannot appear in a workspace name"
        }
        if name.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            return "'\(name.debugDescription)' contains a control character"
        }
        return nil
    }

    static func addUser(name: String, store: RegistryStore) throws -> String {
        if let problem = userNameProblem(name) { throw RegistryError.badRequest("Invalid user name: \(problem)") }
        let key = generateKey()
        try store.addKey(key, userName: name)
        return key
    }

    /// - Throws: ``RegistryStartError/dataDirectory(_:)`` when the directory cannot be created.
    static func open(dataDirectory: URL) throws -> (RegistryStore, BlobStore) {
        do {
            try FileManager.default.createDirectory(at: dataDirectory, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        } catch {
            throw RegistryStartError.dataDirectory(FileSystemErrorText.describe(error, path: dataDirectory.path))
        }
        let store = try RegistryStore(path: dataDirectory.appendingPathComponent(databaseFileName).path)
        let blobs = try BlobStore(root: dataDirectory)
        return (store, blobs)
    }

    /// A new random key: 32 lower-case hex characters.
    static func generateKey() -> String {
        var rng = SystemRandomNumberGenerator()
        return (0..<16).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &rng)) }.joined()
    }

    static func readOrCreateKey(at file: URL) throws -> String {
        if let text = try? String(contentsOf: file, encoding: .utf8) {
            let key = text.trimmingCharacters(in: .whitespacesAndNewlines)
            if !key.isEmpty { return key }
        }
        let key = generateKey()
        try writeSecret(key, to: file)
        return key
    }

    /// Writes a secret to a new file created with mode 0600 (never world-readable, not even briefly).
    static func writeSecret(_ secret: String, to file: URL) throws {
        let tmp = file.appendingPathExtension("tmp")
        unlink(tmp.path)
        let fd = openFile(tmp.path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else { throw RegistryError(status: 500, message: "Cannot create \(tmp.path): errno \(errno)") }
        let bytes = Array((secret + "\n").utf8)
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        _ = fsync(fd)
        _ = close(fd)
        guard written == bytes.count, rename(tmp.path, file.path) == 0 else {
            unlink(tmp.path)
            throw RegistryError(status: 500, message: "Cannot write \(file.path)")
        }
    }
}

/// An advisory `flock` on `<data directory>/lock`, held (shared) by every registry serving the
/// directory. Taken exclusively at start-up when no other registry holds it, which is when crash
/// leftovers may be collected. The kernel releases it when the process dies, even by SIGKILL.
final class DataDirectoryLock: @unchecked Sendable {
    private let lock = NSLock()
    private var fd: Int32
    /// Whether this process was alone when it started.
    let isExclusive: Bool

    init(directory: URL) throws {
        let path = directory.appendingPathComponent("lock").path
        fd = openFile(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw RegistryError(status: 500, message: "Cannot open \(path): errno \(errno)") }
        isExclusive = flock(fd, LOCK_EX | LOCK_NB) == 0
    }

    /// Downgrades to a shared lock (blocking only while another process starts up exclusively).
    func share() {
        lock.lock(); defer { lock.unlock() }
        if fd >= 0 { _ = flock(fd, LOCK_SH) }
    }

    /// Releases the lock (idempotent).
    func release() {
        lock.lock(); defer { lock.unlock() }
        if fd >= 0 { _ = close(fd); fd = -1 }
    }

    deinit { if fd >= 0 { _ = close(fd) } }
}
