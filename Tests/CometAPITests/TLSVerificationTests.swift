import CometAPI
import Foundation
import Testing

/// Runs a program and returns its standard output; nil when it cannot run or fails.
func runTool(_ executable: String, _ arguments: [String]) -> String? {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [executable] + arguments
    let out = Pipe()
    process.standardOutput = out
    process.standardError = FileHandle.nullDevice
    guard (try? process.run()) != nil else { return nil }
    let data = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return process.terminationStatus == 0 ? String(decoding: data, as: UTF8.self) : nil
}

private let toolsAvailable = runTool("openssl", ["version"]) != nil && runTool("python3", ["-c", "import ssl"]) != nil

/// An HTTPS server on loopback with a fresh self-signed certificate (openssl + Python's ssl module),
/// answering every GET with `{"workspaceNames": ["tls"]}`.
private final class SelfSignedServer {
    let process = Process()
    let port: Int

    init() throws {
        let key = temporaryPath("key.pem")
        let cert = (key as NSString).deletingLastPathComponent + "/cert.pem"
        guard runTool("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                              "-days", "1", "-subj", "/CN=127.0.0.1"]) != nil else {
            throw CometAPIError.configuration("openssl could not make a certificate")
        }
        let script = """
        import http.server, ssl, sys
        class H(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                body = b'{"workspaceNames": ["tls"]}'
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            def log_message(self, *a): pass
        s = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain("\(cert)", "\(key)")
        s.socket = ctx.wrap_socket(s.socket, server_side=True)
        print(s.server_address[1], flush=True)
        s.serve_forever()
        """
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        var line = Data()
        while true {
            let byte = out.fileHandleForReading.readData(ofLength: 1)
            if byte.isEmpty || byte == Data("\n".utf8) { break }
            line.append(byte)
        }
        guard let port = Int(String(decoding: line, as: UTF8.self)) else {
            kill(process.processIdentifier, SIGKILL)
            throw CometAPIError.configuration("the TLS test server did not start")
        }
        self.port = port
    }

    /// SIGKILL: the test process may ignore SIGTERM, and a child inherits ignored signals.
    func stop() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}

@Suite("TLS verification", .enabled(if: toolsAvailable, "needs openssl and python3 with ssl"))
struct TLSVerificationTests {
    @Test func refusesASelfSignedCertificateUnlessInsecure() async throws {
        let server = try SelfSignedServer()
        defer { server.stop() }
        let url = "https://127.0.0.1:\(server.port)/clientlib/"

        let strict = CometClient(configuration: try CometConfiguration(apiKey: "tls-key-1", urlOverride: url), retryPolicy: .none)
        let error = await #expect(throws: CometAPIError.self) { _ = try await strict.workspaces() }
        guard case .transport(let code, _, _)? = error else {
            Issue.record("expected a TLS transport error, got \(String(describing: error))")
            return
        }
        #expect(code == 60)  // CURLE_PEER_FAILED_VERIFICATION
        #expect(error?.userMessage.contains("--insecure") == true)

        let insecure = CometClient(configuration: try CometConfiguration(apiKey: "tls-key-1", urlOverride: url, isInsecure: true),
                                   retryPolicy: .none)
        #expect(try await insecure.workspaces() == ["tls"])
    }
}
