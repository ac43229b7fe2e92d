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
            Prints COMET_URL_OVERRIDE=http://HOST:PORT/clientlib/ (https:// with --tls-cert/--tls-key; \
            the real bound port, also for --port 0), then serves until SIGINT or SIGTERM. Without \
            --api-key, a key is generated once and kept in a 0600 file in the data directory; its path \
            (never the key) is printed. Plain HTTP on an address other than loopback prints a warning: \
            API keys would travel in clear text. On SIGINT or SIGTERM the registry stops accepting \
            connections and lets requests in flight finish for up to --shutdown-timeout seconds; a \
            second signal stops it at once. GET /health answers 200 {"status":"ok"} without a key.
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

    @Option(name: .long, help: ArgumentHelp("Serve HTTPS with this PEM certificate chain (leaf first); needs --tls-key.",
                                            valueName: "FILE"))
    var tlsCert: String?

    @Option(name: .long, help: ArgumentHelp("The PEM private key of --tls-cert (unencrypted).", valueName: "FILE"))
    var tlsKey: String?

    @Option(name: .long, help: ArgumentHelp("Seconds requests in flight get to finish after SIGINT/SIGTERM.",
                                            valueName: "SECONDS"))
    var shutdownTimeout: Double = 10

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
        switch (tlsCert, tlsKey) {
        case (nil, nil), (.some, .some): break
        case (.some, nil): throw ValidationError("--tls-cert needs --tls-key (the certificate's private key)")
        case (nil, .some): throw ValidationError("--tls-key needs --tls-cert (the certificate it belongs to)")
        }
        guard shutdownTimeout.isFinite, (0...3600).contains(shutdownTimeout) else {
            throw ValidationError("--shutdown-timeout must be a number of seconds between 0 and 3600")
        }
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
        var tls: RegistryTLS?
        if let tlsCert, let tlsKey {
            do { tls = try RegistryTLS(certificateFile: tlsCert, keyFile: tlsKey) } catch {
                printError("arty serve: \(error)")
                throw ExitCode(2)  // a usage error: the files named on the command line cannot serve TLS
            }
        }
        let configuration = RegistryConfiguration(
            dataDirectory: dir, host: host, port: port, apiKey: apiKey, faults: injector, requests: counter,
            accessLog: sink, logLevel: Logger.Level(rawValue: logLevel) ?? .warning, tls: tls,
            shutdownTimeout: .milliseconds(Int64((shutdownTimeout * 1000).rounded())))
        // Signals are handled from before the start, so one that arrives early still stops gracefully.
        let signals = SignalWaiter.signals()
        let registry = try await startRegistry(configuration, command: "serve")
        if let warning = configuration.plainTextWarning { printError("arty serve: \(warning)") }
        print("COMET_URL_OVERRIDE=\(registry.urlOverride)")
        if let file = registry.apiKeyFile {
            print("API key file: \(file.path)  (export COMET_API_KEY=\"$(cat \(file.path))\")")
        }
        fflush(nil)  // all output streams: scripts read the override line right away
        var received = signals.makeAsyncIterator()
        _ = await received.next()
        printError("arty serve: stopping: waiting up to \(Self.seconds(shutdownTimeout)) s for requests in flight "
                   + "(signal again to stop now)")
        // A second signal, or a server that has not ended 5 s after the bound, ends the process at once.
        // Signals in the first 300 ms count as the first one: `timeout`, and a kill of the process
        // group, deliver the same request twice.
        let firstSignal = ContinuousClock.now
        let watchdog = Task.detached { [shutdownTimeout] in
            await withTaskGroup(of: String?.self) { group in
                group.addTask {
                    var more = signals.makeAsyncIterator()
                    while await more.next() != nil {
                        if ContinuousClock.now - firstSignal >= .milliseconds(300) { return "stopped at once on a second signal" }
                    }
                    return nil
                }
                group.addTask {
                    try? await Task.sleep(for: .milliseconds(Int64((shutdownTimeout + 5) * 1000)))
                    return Task.isCancelled ? nil : "the server did not stop in time"
                }
                if let reason = await group.next() ?? nil {
                    printError("arty serve: \(reason); requests in flight were cut off")
                    terminateProcess(1)
                }
                group.cancelAll()
            }
        }
        await registry.stop()
        watchdog.cancel()
    }

    /// `10`, `0.5`: seconds without a needless `.0`.
    static func seconds(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
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
    /// Handles SIGINT and SIGTERM from now on (instead of terminating) and yields each one that
    /// arrives, as its signal number. The stream never finishes.
    static func signals() -> AsyncStream<Int32> {
        let (stream, continuation) = AsyncStream<Int32>.makeStream()
        var sources: [any DispatchSourceSignal] = []
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { continuation.yield(sig) }
            source.resume()
            sources.append(source)
        }
        SignalSources.keep(sources)
        return stream
    }

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

/// Ends the process now with `status` (the C library's `exit`, out of reach of a command's own
/// `exit(withError:)`).
private func terminateProcess(_ status: Int32) -> Never {
    exit(status)
}
