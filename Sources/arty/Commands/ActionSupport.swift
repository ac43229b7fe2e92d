import ArgumentParser
import CometAPI
import Foundation

/// `--read-only` (or `ARTY_READ_ONLY=1`): refuses every mutating command with exit status 1.
struct ReadOnlyOption: ParsableArguments {
    @Flag(name: .customLong("read-only"), help: "Refuse every change to the server (also ARTY_READ_ONLY=1).")
    var readOnly = false

    /// True when the flag is given or ``environmentIsReadOnly``.
    var isReadOnly: Bool { readOnly || Self.environmentIsReadOnly }

    /// True when `ARTY_READ_ONLY` is `1`, `true` or `yes` (also set by a global `--read-only`).
    static var environmentIsReadOnly: Bool {
        let value = ProcessInfo.processInfo.environment["ARTY_READ_ONLY"]?.lowercased() ?? ""
        return ["1", "true", "yes"].contains(value)
    }

    /// - Throws: ``ActionError/readOnly(action:)`` when read-only.
    func check(_ action: String) throws {
        if isReadOnly { throw ActionError.readOnly(action: action) }
    }
}

/// ``runReportingErrors(_:)`` plus the actions' own errors: ``ActionError`` exits 1 with its message.
func runAction(_ body: () async throws -> Void) async throws {
    try await runReportingErrors {
        do {
            try await body()
        } catch let error as ActionError {
            printError("Error: \(error.userMessage)")
            throw ExitCode(1)
        }
    }
}

/// Parses a command's `REF` argument. - Throws: ``UsageError`` (exit 2).
func parseReference(_ text: String, requireVersion: Bool = false) throws -> ArtifactReference {
    do {
        let reference = try ArtifactReference.parse(text)
        if requireVersion, reference.selector == nil {
            throw UsageError(message: "'\(text)' names no version; expected WORKSPACE/ARTIFACT:VERSION or :ALIAS.")
        }
        return reference
    } catch let error as ArtifactReference.ParseError {
        throw UsageError(message: error.description)
    }
}

/// Encodes a value as arty's pretty JSON (``JSONText/pretty(_:fallback:)``).
func jsonText(_ value: some Encodable) -> String {
    JSONText.pretty(value)
}

/// A one-line progress printer for stderr (only on a terminal), at most 10 updates per second.
func stderrProgress(enabled: Bool) -> (@Sendable (DownloadProgress) -> Void)? {
    guard enabled, isatty(2) == 1 else { return nil }
    return { p in FileHandle.standardError.write(Data(("\r\u{1B}[K" + ActionText.progressLine(p)).utf8)) }
}

/// Clears the progress line.
func endProgress(enabled: Bool) {
    if enabled, isatty(2) == 1 { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
}
