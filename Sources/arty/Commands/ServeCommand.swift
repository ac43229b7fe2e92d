import ArgumentParser
import ArtifactRegistry
import Foundation
import Logging

/// `arty serve`: runs the local Comet-compatible registry for the Python SDK and other arty instances.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the local Comet-compatible artifact registry.",
        discussion: """
            Prints COMET_URL_OVERRIDE=http://HOST:PORT/clientlib/ (the real bound port, also for --port 0), \
            then serves until SIGINT or SIGTERM. Without --api-key, a key is generated once and kept in a \
            0600 file in the data directory; its path (never the key) is printed.
            """
    )

    @Option(name: .long, help: "Data directory (database, blobs, key file).")
    var data: String

    @Option(name: .long, help: "Address to bind.")
    var host: String = "127.0.0.1"

    @Option(name: .long, help: "Port to bind; 0 picks a free one.")
    var port: Int = 0

    @Option(name: .long, help: "API key of the default user (otherwise generated and kept in the data directory).")
    var apiKey: String?

    @Option(name: .long, help: ArgumentHelp("Append one JSON line per request to FILE (created 0600); - for stderr.",
                                            valueName: "FILE"))
    var accessLog: String?

    @Option(name: .long, help: "Level of the server's own log on stderr: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "warning"

    @Option(name: .long, help: .hidden)
    var faults: String?

    /// Hidden, for tests and benchmarks: appends `METHOD PATH` per request to this file.
    @Option(name: .long, help: .hidden)
    var requestLog: String?

    func validate() throws {
        if let faults {
            do { _ = try FaultPlan.parse(faults) } catch { throw ValidationError("--faults: \(error.message)") }
        }
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
        if let apiKey, apiKey.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("--api-key must not be empty") }
        if Logger.Level(rawValue: logLevel) == nil {
            throw ValidationError("--log-level must be one of \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if accessLog?.isEmpty == true { throw ValidationError("--access-log needs a file name, or - for stderr") }
    }

    func run() async throws {
        let dir = URL(fileURLWithPath: data, isDirectory: true).standardizedFileURL
        // --faults (hidden, test-only): spoil answers on purpose (issue 7; grammar in FaultPlan).
        let injector = try faults.map { FaultInjector(try FaultPlan.parse($0)) }
        // --request-log (hidden): one line per request, so a benchmark can count get-asset requests.
        let counter: RequestCounter?
        do { counter = try requestLog.map { try RequestCounter(logFile: $0) } } catch {
            printError("arty serve: \((error as? RegistryError)?.message ?? String(describing: error))")
            throw ExitCode(1)
        }
        let sink: AccessLogFile?
        do {
            sink = try accessLog.map { $0 == "-" ? AccessLogFile.standardError : try AccessLogFile.open(path: $0) }
        } catch let error as RegistryStartError {
            printError("arty serve: \(error)")
            throw ExitCode(1)
        }
        let registry = try await startRegistry(.init(dataDirectory: dir, host: host, port: port, apiKey: apiKey,
                                                     faults: injector, requests: counter, accessLog: sink,
                                                     logLevel: Logger.Level(rawValue: logLevel) ?? .warning), command: "serve")
        print("COMET_URL_OVERRIDE=\(registry.urlOverride)")
        if let file = registry.apiKeyFile {
            print("API key file: \(file.path)  (export COMET_API_KEY=\"$(cat \(file.path))\")")
        }
        fflush(nil)  // all output streams: scripts read the override line right away
        await SignalWaiter.waitForTermination()
        await registry.stop()
    }
}

/// Starts a local registry for `arty COMMAND`; a start-up failure (busy port, bad host, unusable
/// data directory) is one line on stderr, `arty COMMAND: cannot listen on HOST:PORT: CAUSE`, and
/// exit status 1 — never an HTTP-style error.
func startRegistry(_ configuration: RegistryConfiguration, command: String) async throws -> LocalRegistry {
    do {
        return try await LocalRegistry.start(configuration)
    } catch let error as RegistryStartError {
        printError("arty \(command): \(error)")
        throw ExitCode(1)
    }
}

/// Waits for SIGINT or SIGTERM (the handlers replace the default "terminate now" behaviour, so
/// the registry can stop gracefully).
enum SignalWaiter {
    static func waitForTermination() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let once = OnceFlag()
            var sources: [any DispatchSourceSignal] = []
            for sig in [SIGINT, SIGTERM] {
                signal(sig, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
                source.setEventHandler {
                    if once.set() { continuation.resume() }
                }
                source.resume()
                sources.append(source)
            }
            SignalSources.keep(sources)
        }
    }
}

/// Keeps signal sources alive for the life of the process.
private enum SignalSources {
    nonisolated(unsafe) static var sources: [any DispatchSourceSignal] = []
    static let lock = NSLock()
    static func keep(_ s: [any DispatchSourceSignal]) { lock.lock(); sources += s; lock.unlock() }
}

/// A flag that can be set once, from any thread.
final class OnceFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var done = false
    /// Sets the flag; true only for the first caller.
    func set() -> Bool {
        lock.lock(); defer { lock.unlock() }
        if done { return false }
        done = true
        return true
    }
}
