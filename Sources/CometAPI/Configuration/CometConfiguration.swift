import Foundation

/// Settings given on the command line; they win over everything else (reference §1.3).
public struct ConfigurationFlags: Sendable, Hashable {
    public var apiKey: String?
    public var workspace: String?
    /// `--url-override`, e.g. `http://127.0.0.1:8080/clientlib/`.
    public var urlOverride: String?
    /// `--insecure`: skip TLS certificate verification.
    public var insecure: Bool

    public init(apiKey: String? = nil, workspace: String? = nil, urlOverride: String? = nil, insecure: Bool = false) {
        self.apiKey = apiKey
        self.workspace = workspace
        self.urlOverride = urlOverride
        self.insecure = insecure
    }
}

/// Where a configuration value came from, for diagnostics (never shows the value of a key).
public enum ConfigurationSource: Sendable, Hashable, CustomStringConvertible {
    case flag
    case environment(String)
    case file(String)
    case enhancedAPIKey
    case builtInDefault

    public var description: String {
        switch self {
        case .flag: "command-line flag"
        case .environment(let name): "environment variable \(name)"
        case .file(let path): "config file \(path)"
        case .enhancedAPIKey: "the API key's baseUrl"
        case .builtInDefault: "built-in default"
        }
    }
}

/// How arty reaches Comet, resolved the way the Python SDK does (reference §1.3):
/// flag > environment (`COMET_API_KEY`, `COMET_WORKSPACE`, `COMET_URL_OVERRIDE`) > the file named by
/// `COMET_CONFIG` (a file, or a directory holding `.comet.config`; `COMET_INI` is the deprecated
/// name) > `./.comet.config` > `~/.comet.config`, each setting on its own; INI section `[comet]`
/// (keys `api_key`, `workspace`, `url_override`; everett's `[comet_url] override` form works too).
///
/// The REST root is derived from *scheme://host:port* of the override (§1.1).
/// `description` never shows the API key.
public struct CometConfiguration: Sendable, Hashable, CustomStringConvertible {
    /// Comet's default `url_override`.
    public static let defaultURLOverride = "https://www.comet.com/clientlib/"

    /// The raw API key, sent as `Authorization: <key>` (§1.2). Secret.
    public var apiKey: String?
    /// The default workspace, if configured.
    public var workspace: String?
    /// The clientlib URL (`comet.url_override`), always ending in `/`.
    public var urlOverride: String
    /// Skip TLS verification (flag, or `COMET_INTERNAL_CHECK_TLS_CERTIFICATE=false`, §1.4).
    public var isInsecure: Bool
    /// Extra CA certificates (`COMET_INCLUDE_CUSTOM_CA_BUNDLE` or `REQUESTS_CA_BUNDLE`, a PEM file).
    public var caBundlePath: String?
    /// True when an API key or a URL override was configured anywhere; without one the CLI uses
    /// the embedded local registry.
    public var hasServer: Bool
    /// Where each of `apiKey`, `workspace`, `urlOverride` came from.
    public var sources: [String: ConfigurationSource]

    /// `scheme://host[:port]/api/rest/v2/`: the REST v2 root. Any path of the override is dropped (§1.1).
    public let restRoot: String
    /// `scheme://host[:port]/clientlib/rest/v2/`: the "alternate" clientlib REST root (§1.1).
    public let clientlibRESTRoot: String
    /// The clientlib root: the override itself (with a trailing `/`).
    public var clientlibRoot: String { urlOverride }
    /// `scheme://host[:port]`.
    public let serverOrigin: String

    /// Builds a configuration from explicit values.
    /// - Throws: ``CometAPIError/configuration(_:)`` when the URL is not an http(s) URL with a host.
    public init(apiKey: String?, workspace: String? = nil, urlOverride: String? = nil, isInsecure: Bool = false,
                caBundlePath: String? = nil, hasServer: Bool? = nil, sources: [String: ConfigurationSource] = [:]) throws {
        var url = (urlOverride?.trimmingCharacters(in: .whitespaces)).flatMap { $0.isEmpty ? nil : $0 } ?? Self.defaultURLOverride
        if !url.hasSuffix("/") { url += "/" }
        self.apiKey = apiKey
        self.workspace = workspace
        self.urlOverride = url
        self.isInsecure = isInsecure
        self.caBundlePath = caBundlePath
        self.hasServer = hasServer ?? (apiKey != nil || urlOverride != nil)
        self.sources = sources
        serverOrigin = try Self.origin(of: url)
        restRoot = serverOrigin + "/api/rest/v2/"
        clientlibRESTRoot = serverOrigin + "/clientlib/rest/v2/"
    }

    /// `scheme://host[:port]` of an http(s) URL (§1.1).
    /// - Throws: ``CometAPIError/configuration(_:)`` for anything else.
    public static func origin(of url: String) throws -> String {
        guard let comps = URLComponents(string: url), let scheme = comps.scheme?.lowercased(),
              scheme == "http" || scheme == "https", var host = comps.host, !host.isEmpty else {
            throw CometAPIError.configuration("The Comet URL '\(Redaction.redact(url))' is not an http(s) URL with a host (expected e.g. https://www.comet.com/clientlib/).")
        }
        if host.contains(":"), !host.hasPrefix("[") { host = "[\(host)]" }  // IPv6 literal
        return "\(scheme)://\(host)" + (comps.port.map { ":\($0)" } ?? "")
    }

    public var description: String {
        "CometConfiguration(url: \(Redaction.redact(urlOverride)), workspace: \(workspace ?? "-"), apiKey: \(apiKey == nil ? "none" : "<redacted>"), insecure: \(isInsecure))"
    }

    // MARK: resolution

    /// Resolves the configuration without touching the process: all inputs are parameters. Pure.
    /// - Parameters:
    ///   - flags: command-line values (highest precedence).
    ///   - environment: the environment variables.
    ///   - currentDirectory: where `./.comet.config` is looked up.
    ///   - homeDirectory: where `~/.comet.config` is looked up; nil to skip.
    ///   - readFile: returns a file's text, or nil when it does not exist or is not UTF-8 text;
    ///     `isDirectory` tells whether the path is a directory (for `COMET_CONFIG=<dir>`);
    ///     `fileExists` whether something is there at all (so that a binary file is told apart
    ///     from a missing one).
    /// - Returns: the configuration; its ``warnings`` say when `COMET_CONFIG` has no `[comet]` section.
    /// - Throws: ``CometAPIError/configuration(_:)`` for an invalid URL, or a `COMET_CONFIG` that
    ///   is missing, unreadable or not a text INI file.
    public static func resolve(flags: ConfigurationFlags, environment: [String: String], currentDirectory: String,
                               homeDirectory: String?, readFile: (String) -> String?,
                               isDirectory: (String) -> Bool = { _ in false },
                               fileExists: (String) -> Bool = { _ in false }) throws -> CometConfiguration {
        // Config files, most important first.
        var files: [(path: String, ini: INIFile)] = []
        var warnings: [String] = []
        if let named = nonEmpty(environment["COMET_CONFIG"]) ?? nonEmpty(environment["COMET_INI"]) {
            let path = isDirectory(named) ? join(named, ".comet.config") : named
            guard let text = readFile(path) else {
                if fileExists(path) {
                    throw CometAPIError.configuration("COMET_CONFIG names '\(path)', which is not a valid INI config file (it is not text).")
                }
                throw CometAPIError.configuration("COMET_CONFIG names '\(path)', which cannot be read.")
            }
            if text.unicodeScalars.contains(where: { $0.value == 0 }) {
                throw CometAPIError.configuration("COMET_CONFIG names '\(path)', which is not a valid INI config file (it is not text).")
            }
            let ini = INIFile(parsing: text)
            if !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, !ini.hasCometSection {
                warnings.append("Warning: COMET_CONFIG file '\(path)' has no [comet] section; its settings are ignored.")
            }
            files.append((path, ini))
        }
        for path in [join(currentDirectory, ".comet.config")] + (homeDirectory.map { [join($0, ".comet.config")] } ?? []) {
            if let text = readFile(path) { files.append((path, INIFile(parsing: text))) }
        }

        var sources: [String: ConfigurationSource] = [:]
        func lookup(_ setting: String, flag: String?) -> String? {
            if let v = nonEmpty(flag) { sources[setting] = .flag; return v }
            let envName = "COMET_" + setting.uppercased().replacingOccurrences(of: ".", with: "_")
            if let v = nonEmpty(environment[envName]) { sources[setting] = .environment(envName); return v }
            for file in files {
                if let v = nonEmpty(file.ini.value(forSetting: setting)) { sources[setting] = .file(file.path); return v }
            }
            return nil
        }

        let apiKey = lookup("api_key", flag: flags.apiKey)
        let workspace = lookup("workspace", flag: flags.workspace)
        var urlOverride = lookup("url_override", flag: flags.urlOverride)
        if urlOverride == nil, let key = apiKey, let base = enhancedKeyBaseURL(key) {
            urlOverride = base.hasSuffix("/") ? base + "clientlib/" : base + "/clientlib/"
            sources["url_override"] = .enhancedAPIKey
        }
        let checkTLS = lookup("internal.check_tls_certificate", flag: nil)
        let insecure = flags.insecure || (checkTLS.map { !parseBool($0, default: true) } ?? false)
        let caBundle = nonEmpty(environment["COMET_INCLUDE_CUSTOM_CA_BUNDLE"]) ?? nonEmpty(environment["REQUESTS_CA_BUNDLE"])
        if urlOverride == nil { sources["url_override"] = .builtInDefault }
        var configuration = try CometConfiguration(apiKey: apiKey, workspace: workspace, urlOverride: urlOverride,
                                                   isInsecure: insecure, caBundlePath: caBundle,
                                                   hasServer: apiKey != nil || urlOverride != nil, sources: sources)
        configuration.warnings = warnings
        return configuration
    }

    /// Resolves from this process's environment, working directory and home directory.
    public static func fromProcess(flags: ConfigurationFlags = ConfigurationFlags()) throws -> CometConfiguration {
        let fm = FileManager.default
        let env = ProcessInfo.processInfo.environment
        let home = nonEmpty(env["HOME"]) ?? fm.homeDirectoryForCurrentUser.path
        return try resolve(flags: flags, environment: env, currentDirectory: fm.currentDirectoryPath, homeDirectory: home,
                           readFile: { path in
                               var isDir: ObjCBool = false
                               guard fm.fileExists(atPath: path, isDirectory: &isDir), !isDir.boolValue else { return nil }
                               return try? String(contentsOfFile: path, encoding: .utf8)
                           },
                           isDirectory: { path in
                               var isDir: ObjCBool = false
                               return fm.fileExists(atPath: path, isDirectory: &isDir) && isDir.boolValue
                           },
                           fileExists: { fm.fileExists(atPath: $0) })
    }

    /// Problems worth one line on stderr that do not stop the command (e.g. a `COMET_CONFIG` file
    /// without a `[comet]` section). Never contains the API key.
    public var warnings: [String] = []

    /// The `baseUrl` of an enhanced API key `key*<base64 JSON>` (§1.1), if any.
    public static func enhancedKeyBaseURL(_ apiKey: String) -> String? {
        guard let star = apiKey.firstIndex(of: "*") else { return nil }
        var payload = String(apiKey[apiKey.index(after: star)...])
            .replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while payload.count % 4 != 0 { payload += "=" }
        guard let data = Data(base64Encoded: payload), let json = try? JSONDecoder().decode(JSONValue.self, from: data),
              let base = json["baseUrl"]?.stringValue, !base.isEmpty else { return nil }
        return base
    }

    static func parseBool(_ text: String, default value: Bool) -> Bool {
        switch text.trimmingCharacters(in: .whitespaces).lowercased() {
        case "true", "1", "yes", "on", "t", "y": true
        case "false", "0", "no", "off", "f", "n": false
        default: value
        }
    }

    private static func nonEmpty(_ s: String?) -> String? {
        guard let t = s?.trimmingCharacters(in: .whitespacesAndNewlines), !t.isEmpty else { return nil }
        return t
    }

    private static func join(_ dir: String, _ name: String) -> String {
        dir.hasSuffix("/") ? dir + name : dir + "/" + name
    }
}

/// A minimal INI reader with Python `configparser` conventions: `[section]`, `key = value` or
/// `key: value`, `#`/`;` comment lines, case-insensitive keys, later duplicates win.
public struct INIFile: Sendable, Hashable {
    /// section name (lower-cased) → key (lower-cased) → value.
    public private(set) var sections: [String: [String: String]] = [:]

    public init(parsing text: String) {
        var section: String?
        for raw in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("["), line.hasSuffix("]") {
                section = line.dropFirst().dropLast().trimmingCharacters(in: .whitespaces).lowercased()
                continue
            }
            guard let section else { continue }
            guard let sep = line.firstIndex(where: { $0 == "=" || $0 == ":" }) else { continue }
            let key = line[..<sep].trimmingCharacters(in: .whitespaces).lowercased()
            let value = line[line.index(after: sep)...].trimmingCharacters(in: .whitespaces)
            sections[section, default: [:]][key] = value
        }
    }

    /// True when a section is `[comet]` or starts with `comet_` (everett's flattened sections).
    public var hasCometSection: Bool {
        sections.keys.contains { $0 == "comet" || $0.hasPrefix("comet_") }
    }

    /// The value of `comet.<setting>`, where `setting` is dotted (`url_override`,
    /// `internal.check_tls_certificate`). Like everett, which flattens sections and keys with `_`,
    /// `comet.url_override` is found as `[comet] url_override` or `[comet_url] override`.
    public func value(forSetting setting: String) -> String? {
        let parts = ["comet"] + setting.lowercased().split(whereSeparator: { $0 == "." || $0 == "_" }).map(String.init)
        // Split the flattened name between section and key at every `_`, `[comet]` first.
        for split in 1..<parts.count {
            let sectionName = parts[..<split].joined(separator: "_")
            let key = parts[split...].joined(separator: "_")
            if let v = sections[sectionName]?[key] { return v }
        }
        return nil
    }
}
