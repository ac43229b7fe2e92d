import CometAPI
import Foundation
import Testing

/// Resolves with an in-memory file system.
private func resolve(flags: ConfigurationFlags = ConfigurationFlags(), env: [String: String] = [:],
                     files: [String: String] = [:], directories: Set<String> = [],
                     cwd: String = "/work", home: String? = "/home/u") throws -> CometConfiguration {
    try CometConfiguration.resolve(flags: flags, environment: env, currentDirectory: cwd, homeDirectory: home,
                                   readFile: { files[$0] }, isDirectory: { directories.contains($0) })
}

private func ini(key: String? = nil, workspace: String? = nil, url: String? = nil) -> String {
    var lines = ["[comet]"]
    if let key { lines.append("api_key = \(key)") }
    if let workspace { lines.append("workspace = \(workspace)") }
    if let url { lines.append("url_override = \(url)") }
    return lines.joined(separator: "\n")
}

@Suite("Configuration resolution (reference §1.3)")
struct ConfigurationTests {
    @Test func defaultsWithNothingConfigured() throws {
        let c = try resolve()
        #expect(c.apiKey == nil)
        #expect(c.workspace == nil)
        #expect(c.urlOverride == "https://www.comet.com/clientlib/")
        #expect(c.restRoot == "https://www.comet.com/api/rest/v2/")
        #expect(!c.hasServer)
        #expect(!c.isInsecure)
        #expect(c.sources["url_override"] == .builtInDefault)
    }

    @Test func flagBeatsEnvironmentBeatsFiles() throws {
        let files = ["/cfg/comet.ini": ini(key: "k-named", workspace: "ws-named", url: "http://named:1/clientlib/"),
                     "/work/.comet.config": ini(key: "k-cwd", workspace: "ws-cwd", url: "http://cwd:2/clientlib/"),
                     "/home/u/.comet.config": ini(key: "k-home", workspace: "ws-home", url: "http://home:3/clientlib/")]
        let env = ["COMET_CONFIG": "/cfg/comet.ini", "COMET_API_KEY": "k-env"]
        let c = try resolve(flags: ConfigurationFlags(workspace: "ws-flag"), env: env, files: files)
        #expect(c.workspace == "ws-flag")
        #expect(c.apiKey == "k-env")
        #expect(c.urlOverride == "http://named:1/clientlib/")
        #expect(c.sources["workspace"] == .flag)
        #expect(c.sources["api_key"] == .environment("COMET_API_KEY"))
        #expect(c.sources["url_override"] == .file("/cfg/comet.ini"))
        #expect(c.hasServer)
    }

    @Test func eachSettingFallsThroughOnItsOwn() throws {
        let files = ["/work/.comet.config": ini(workspace: "ws-cwd"),
                     "/home/u/.comet.config": ini(key: "k-home", workspace: "ws-home", url: "http://home:3/clientlib/")]
        let c = try resolve(files: files)
        #expect(c.workspace == "ws-cwd")
        #expect(c.apiKey == "k-home")
        #expect(c.urlOverride == "http://home:3/clientlib/")
    }

    @Test func cometConfigMayNameADirectory() throws {
        let c = try resolve(env: ["COMET_CONFIG": "/etc/comet"], files: ["/etc/comet/.comet.config": ini(key: "k-dir")],
                            directories: ["/etc/comet"])
        #expect(c.apiKey == "k-dir")
        #expect(c.sources["api_key"] == .file("/etc/comet/.comet.config"))
    }

    @Test func unreadableCometConfigIsAnError() {
        #expect(throws: CometAPIError.configuration("COMET_CONFIG names '/missing.ini', which cannot be read.")) {
            try resolve(env: ["COMET_CONFIG": "/missing.ini"])
        }
    }

    @Test func aBinaryCometConfigIsNotAValidConfigFile() {
        let expected = CometAPIError.configuration("COMET_CONFIG names '/bin.ini', which is not a valid INI config file (it is not text).")
        // Not UTF-8 (readFile gives nil) but there: not "cannot be read".
        #expect(throws: expected) {
            try CometConfiguration.resolve(flags: ConfigurationFlags(), environment: ["COMET_CONFIG": "/bin.ini"],
                                           currentDirectory: "/work", homeDirectory: nil, readFile: { _ in nil },
                                           fileExists: { $0 == "/bin.ini" })
        }
        // UTF-8 but with NUL bytes.
        #expect(throws: expected) {
            try CometConfiguration.resolve(flags: ConfigurationFlags(), environment: ["COMET_CONFIG": "/bin.ini"],
                                           currentDirectory: "/work", homeDirectory: nil,
                                           readFile: { $0 == "/bin.ini" ? "\u{0}\u{1}ELF\u{0}" : nil })
        }
    }

    @Test func aCometConfigWithoutACometSectionWarns() throws {
        let c = try resolve(env: ["COMET_CONFIG": "/other.ini"], files: ["/other.ini": "[server]\napi_key = k\n"])
        #expect(c.apiKey == nil)
        #expect(c.warnings == ["Warning: COMET_CONFIG file '/other.ini' has no [comet] section; its settings are ignored."])
        #expect(try resolve(env: ["COMET_CONFIG": "/ok.ini"], files: ["/ok.ini": ini(key: "k")]).warnings.isEmpty)
        #expect(try resolve(env: ["COMET_CONFIG": "/empty.ini"], files: ["/empty.ini": ""]).warnings.isEmpty)
    }

    @Test func homeIsUsedOnlyWithoutOthersAndCanBeSkipped() throws {
        let files = ["/home/u/.comet.config": ini(key: "k-home")]
        #expect(try resolve(files: files).apiKey == "k-home")
        #expect(try resolve(files: files, home: nil).apiKey == nil)
    }

    @Test func emptyValuesDoNotCount() throws {
        let c = try resolve(flags: ConfigurationFlags(apiKey: ""), env: ["COMET_API_KEY": "  "],
                            files: ["/work/.comet.config": ini(key: "k-file")])
        #expect(c.apiKey == "k-file")
    }

    @Test func iniFormsOfEverett() {
        let file = INIFile(parsing: """
        # comment
        ; another
        [comet]
        API_KEY: from-colon
        [comet_url]
        override = http://h:9/clientlib/
        [comet_internal]
        check_tls_certificate = False
        """)
        #expect(file.value(forSetting: "api_key") == "from-colon")
        #expect(file.value(forSetting: "url_override") == "http://h:9/clientlib/")
        #expect(file.value(forSetting: "internal.check_tls_certificate") == "False")
        #expect(file.value(forSetting: "workspace") == nil)
    }

    @Test(arguments: [
        ("http://127.0.0.1:8080/clientlib/", "http://127.0.0.1:8080/api/rest/v2/", "http://127.0.0.1:8080/clientlib/"),
        ("http://h:8080/prefix/clientlib/", "http://h:8080/api/rest/v2/", "http://h:8080/prefix/clientlib/"),
        ("https://comet.example.com/clientlib", "https://comet.example.com/api/rest/v2/", "https://comet.example.com/clientlib/"),
        ("HTTPS://Comet.Example.com:443/clientlib/", "https://comet.example.com:443/api/rest/v2/", "HTTPS://Comet.Example.com:443/clientlib/"),
        ("http://[::1]:9000/clientlib/", "http://[::1]:9000/api/rest/v2/", "http://[::1]:9000/clientlib/"),
    ])
    func restRootDropsTheOverridePath(override: String, rest: String, clientlib: String) throws {
        let c = try resolve(env: ["COMET_URL_OVERRIDE": override])
        #expect(c.restRoot.lowercased() == rest.lowercased())
        #expect(c.clientlibRoot == clientlib)
        #expect(c.hasServer)
    }

    @Test(arguments: ["ftp://h/clientlib/", "not a url", "http:///clientlib/", "file:///tmp/x"])
    func rejectsNonHTTPURLs(_ url: String) {
        #expect(throws: CometAPIError.self) { try resolve(flags: ConfigurationFlags(urlOverride: url)) }
    }

    @Test func insecureFromFlagOrTLSCheckSetting() throws {
        #expect(try resolve(flags: ConfigurationFlags(insecure: true)).isInsecure)
        #expect(try resolve(env: ["COMET_INTERNAL_CHECK_TLS_CERTIFICATE": "false"]).isInsecure)
        #expect(try resolve(env: ["COMET_INTERNAL_CHECK_TLS_CERTIFICATE": "0"]).isInsecure)
        #expect(!(try resolve(env: ["COMET_INTERNAL_CHECK_TLS_CERTIFICATE": "true"]).isInsecure))
        #expect(try resolve(files: ["/work/.comet.config": "[comet_internal]\ncheck_tls_certificate = false"]).isInsecure)
    }

    @Test func enhancedKeyGivesTheDefaultURL() throws {
        let payload = Data(#"{"baseUrl":"https://eu.comet.example"}"#.utf8).base64EncodedString()
            .replacingOccurrences(of: "=", with: "")
        let c = try resolve(env: ["COMET_API_KEY": "abc*\(payload)"])
        #expect(c.urlOverride == "https://eu.comet.example/clientlib/")
        #expect(c.restRoot == "https://eu.comet.example/api/rest/v2/")
        #expect(c.sources["url_override"] == .enhancedAPIKey)
        // An explicit override still wins.
        let d = try resolve(env: ["COMET_API_KEY": "abc*\(payload)", "COMET_URL_OVERRIDE": "http://x:1/clientlib/"])
        #expect(d.urlOverride == "http://x:1/clientlib/")
    }

    @Test func descriptionHidesTheKey() throws {
        let c = try resolve(env: ["COMET_API_KEY": "supersecretkey"])
        #expect(!c.description.contains("supersecretkey"))
        #expect(c.description.contains("<redacted>"))
    }
}
