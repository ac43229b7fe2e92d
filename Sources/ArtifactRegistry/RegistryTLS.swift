import CometAPI
import Foundation
import HummingbirdCore
import HummingbirdHTTP2
import HummingbirdTLS
import NIOSSL

/// HTTPS for a ``LocalRegistry`` (issue 15): a PEM certificate chain and its PEM private key,
/// loaded and checked once, served through Hummingbird's TLS support (`HummingbirdTLS` of
/// https://github.com/hummingbird-project/hummingbird 2.28.1 over
/// https://github.com/apple/swift-nio-ssl 2.37.6). Set it as ``RegistryConfiguration/tls``.
///
/// The server offers HTTP/2 and HTTP/1.1 by ALPN (`h2`, `http/1.1`; `HummingbirdHTTP2` over
/// https://github.com/apple/swift-nio-http2 1.46.0): arty's client (libcurl with nghttp2) then
/// multiplexes its transfers on one connection, and clients that offer only HTTP/1.1 (or no ALPN,
/// such as Python's `requests`) get HTTP/1.1 as before.
///
/// ```swift
/// let tls = try RegistryTLS(certificateFile: "server.pem", keyFile: "server.key")
/// let registry = try await LocalRegistry.start(.init(dataDirectory: dir, tls: tls))
/// // registry.urlOverride == "https://127.0.0.1:PORT/clientlib/"
/// ```
public struct RegistryTLS: Sendable {
    /// The certificate chain file as given (leaf first, then intermediates).
    public let certificateFile: String
    /// The private key file as given.
    public let keyFile: String
    /// The server side of the TLS configuration: TLS 1.2 or later (NIOSSL's default minimum is 1.0),
    /// NIOSSL's default cipher suites.
    let serverConfiguration: TLSConfiguration

    /// Reads both files and checks that the key belongs to the leaf certificate.
    /// - Parameters:
    ///   - certificateFile: a PEM file with one or more `CERTIFICATE` blocks, leaf first.
    ///   - keyFile: a PEM file with the private key (PKCS#8, RSA or EC; not encrypted).
    /// - Throws: ``RegistryTLSError`` naming the file: missing or unreadable, not PEM of the
    ///   right kind, or a key that does not match the certificate.
    public init(certificateFile: String, keyFile: String) throws(RegistryTLSError) {
        let certificateBytes = try Self.read(certificateFile, role: .certificate)
        let keyBytes = try Self.read(keyFile, role: .key)
        let chain: [NIOSSLCertificate]
        do { chain = try NIOSSLCertificate.fromPEMBytes(certificateBytes) } catch {
            throw .notPEM(role: .certificate, path: certificateFile)
        }
        guard !chain.isEmpty else { throw .notPEM(role: .certificate, path: certificateFile) }
        let key: NIOSSLPrivateKey
        do { key = try NIOSSLPrivateKey(bytes: keyBytes, format: .pem) } catch {
            throw .notPEM(role: .key, path: keyFile)
        }
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        configuration.minimumTLSVersion = .tlsv12
        // BoringSSL refuses a key that does not match the leaf certificate when the context is made
        // (SSL_CTX_use_PrivateKey): make one now so the mistake is found before serving.
        do { _ = try NIOSSLContext(configuration: configuration) } catch {
            throw .keyMismatch(certificatePath: certificateFile, keyPath: keyFile)
        }
        self.certificateFile = certificateFile
        self.keyFile = keyFile
        self.serverConfiguration = configuration
    }

    /// Hummingbird's server for this TLS configuration: HTTP/2 when the client's ALPN offers `h2`,
    /// HTTP/1.1 otherwise.
    /// - Throws: what NIOSSL throws making the TLS context (checked already by ``init(certificateFile:keyFile:)``).
    func serverBuilder() throws -> HTTPServerBuilder {
        try .http2Upgrade(tlsConfiguration: serverConfiguration)
    }

    private static func read(_ path: String, role: RegistryTLSError.Role) throws(RegistryTLSError) -> [UInt8] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .unreadable(role: role, path: path, reason: "no such file")
        }
        guard !isDirectory.boolValue else { throw .unreadable(role: role, path: path, reason: "is a directory") }
        do {
            return [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw .unreadable(role: role, path: path, reason: FileSystemErrorText.cause(of: error))
        }
    }
}

/// Why ``RegistryTLS`` could not load a certificate and key. ``description`` is one line naming the
/// file and the option it came from, e.g. `--tls-key 'server.key': no such file`.
public enum RegistryTLSError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Which of the two files.
    public enum Role: String, Sendable, Hashable {
        case certificate = "--tls-cert"
        case key = "--tls-key"
    }
    /// The file does not exist, is a directory, or cannot be read (`reason` is lower case).
    case unreadable(role: Role, path: String, reason: String)
    /// The file holds no PEM certificate (for `--tls-cert`) or no usable unencrypted PEM private
    /// key (for `--tls-key`).
    case notPEM(role: Role, path: String)
    /// The private key does not belong to the (leaf) certificate.
    case keyMismatch(certificatePath: String, keyPath: String)

    public var description: String {
        switch self {
        case .unreadable(let role, let path, let reason):
            "\(role.rawValue) '\(path)': \(reason)"
        case .notPEM(.certificate, let path):
            "--tls-cert '\(path)': no PEM certificate in the file (expected -----BEGIN CERTIFICATE-----)"
        case .notPEM(.key, let path):
            "--tls-key '\(path)': no usable PEM private key in the file (expected an unencrypted -----BEGIN PRIVATE KEY-----)"
        case .keyMismatch(let certificatePath, let keyPath):
            "--tls-key '\(keyPath)' is not the private key of the certificate in --tls-cert '\(certificatePath)'"
        }
    }
}

extension RegistryConfiguration {
    /// True when `host` names only this machine: `localhost`, an IPv4 address in `127.0.0.0/8`, or
    /// `::1` (brackets allowed). Every other address, `0.0.0.0` and `::` included, and every other
    /// host name, can be reached from other machines.
    public static func isLoopback(host: String) -> Bool {
        var name = host.lowercased()
        if name.hasPrefix("["), name.hasSuffix("]") { name = String(name.dropFirst().dropLast()) }
        if name == "localhost" || name == "::1" || name == "0:0:0:0:0:0:0:1" { return true }
        let octets = name.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets.first == "127" && octets.allSatisfy { UInt8($0) != nil }
    }

    /// The one-line warning for serving plain HTTP on an address other machines can reach (API
    /// keys then cross the network in clear text), or nil on loopback or with TLS.
    public var plainTextWarning: String? {
        guard tls == nil, !Self.isLoopback(host: host) else { return nil }
        return "warning: serving plain HTTP on \(host), reachable from other machines: API keys travel in clear text; "
            + "add TLS with --tls-cert CERT.pem --tls-key KEY.pem"
    }
}
