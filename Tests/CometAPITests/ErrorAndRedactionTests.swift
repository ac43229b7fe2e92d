import CometAPI
import Foundation
import Testing

@Suite("CometAPIError mapping and messages")
struct CometAPIErrorTests {
    private func response(_ status: Int, _ body: String, headers: [HTTPHeader] = []) -> TransportResponse {
        TransportResponse(status: status, headers: headers, body: Data(body.utf8))
    }

    @Test func mapsCometErrorBody() {
        let error = CometAPIError.fromResponse(response(400, Fixtures.notFoundError), operation: "Reading version 'ws/cats:latest'")
        #expect(error == .http(status: 400, sdkErrorCode: 624523, message: "Artifact version not found",
                               operation: "Reading version 'ws/cats:latest'"))
        #expect(error.isNotFound)
        #expect(!error.isRetryable)
        #expect(error.userMessage == "Reading version 'ws/cats:latest' failed: HTTP 400, Comet error 624523: Artifact version not found. Check the workspace, artifact name and version.")
    }

    @Test(arguments: [
        (90402, true, "still OPEN"),
        (90403, true, "ERROR state"),
        (90399, false, "HTTP 400, Comet error 90399"),
    ])
    func notFinalCodes(code: Int, notFinal: Bool, fragment: String) {
        let error = CometAPIError.fromResponse(response(400, #"{"msg":"m","code":400,"sdk_error_code":\#(code)}"#), operation: "Op")
        #expect(error.isNotFinal == notFinal)
        #expect(error.userMessage.contains(fragment))
    }

    @Test(arguments: [401, 403])
    func unauthorised(status: Int) {
        let error = CometAPIError.fromResponse(response(status, #"{"msg":"Invalid API key"}"#), operation: "Listing workspaces")
        #expect(error.isUnauthorized)
        #expect(!error.isRetryable)
        #expect(error.userMessage.hasPrefix("Listing workspaces failed: HTTP \(status): Invalid API key. Check the API key"))
    }

    @Test func toleratesOddErrorBodies() {
        #expect(CometAPIError.parseErrorBody(Data(#"{"sdk_error_code":"624522","message":"gone"}"#.utf8)) == (624522, "gone"))
        #expect(CometAPIError.parseErrorBody(Data("<html><body>502</body></html>".utf8)) == (nil, nil))
        #expect(CometAPIError.parseErrorBody(Data("upstream down".utf8)) == (nil, "upstream down"))
        #expect(CometAPIError.parseErrorBody(Data()) == (nil, nil))
        let error = CometAPIError.fromResponse(response(503, ""), operation: "Op")
        #expect(error.userMessage == "Op failed: HTTP 503.")
        #expect(error.isRetryable)
    }

    @Test func transportAndOtherCases() {
        let refused = CometAPIError.fromTransport(.curl(code: 7, message: "Failed to connect to h port 1"), operation: "Listing workspaces")
        #expect(refused == .transport(code: 7, message: "Failed to connect to h port 1", operation: "Listing workspaces"))
        #expect(refused.isRetryable)
        #expect(refused.userMessage.hasPrefix("Listing workspaces failed: Failed to connect to h port 1 (curl error 7)."))
        #expect(CometAPIError.fromTransport(.cancelled, operation: "Op") == .cancelled(operation: "Op"))
        #expect(CometAPIError.cancelled(operation: "Downloading asset a").userMessage == "Downloading asset a was cancelled.")
        #expect(CometAPIError.fromTransport(.curl(code: 60, message: "SSL certificate problem"), operation: "Op").userMessage.contains("--insecure"))
        #expect(CometAPIError.configuration("No server.").userMessage == "No server.")
        #expect(CometAPIError.decoding(operation: "Op", detail: "not JSON").localizedDescription.contains("Op failed"))
    }
}

@Suite("Redaction of the API key")
struct RedactionTests {
    @Test func redactsPlainAndURLEncodedForms() {
        let key = "ab+cd/ef gh=="
        let text = "Authorization: \(key); url ?k=\(QueryEncoding.percentEncode(key)) twice=\(QueryEncoding.doublePercentEncode(key))"
        let out = Redaction.redact(text, secrets: [key])
        #expect(out == "Authorization: <redacted>; url ?k=<redacted> twice=<redacted>")
    }

    @Test func redactsBothHalvesOfAnEnhancedKey() {
        let key = "plainkey1234*eyJiYXNlVXJsIjoiaHR0cHM6Ly94In0"
        let out = Redaction.redact("a plainkey1234 b eyJiYXNlVXJsIjoiaHR0cHM6Ly94In0 c \(key)", secrets: [key])
        #expect(out == "a <redacted> b <redacted> c <redacted>")
    }

    @Test func ignoresTinySecretsAndLeavesOtherTextAlone() {
        #expect(Redaction.redact("a key of abc", secrets: ["abc"]) == "a key of abc")
        #expect(Redaction.redact("nothing here", secrets: ["longsecret"]) == "nothing here")
    }

    @Test func clientKeyNeverAppearsInErrorsOrRequestDumps() throws {
        let key = "registered-secret-9f8e7d"
        let configuration = try CometConfiguration(apiKey: key, urlOverride: "http://127.0.0.1:1/clientlib/")
        _ = CometClient(configuration: configuration, retryPolicy: .none)
        let leaky = CometAPIError.http(status: 500, sdkErrorCode: nil, message: "bad key \(key)", operation: "Op with \(key)")
        #expect(!leaky.userMessage.contains(key))
        #expect(!leaky.description.contains(key))
        #expect(!(leaky.errorDescription ?? "").contains(key))
        #expect(!String(reflecting: configuration).contains(key))
        let transport = CometAPIError.fromTransport(.curl(code: 6, message: "Could not resolve \(key).example"), operation: "Op")
        #expect(!transport.userMessage.contains(key))
        let request = TransportRequest(url: "http://h/x?k=\(key)", headers: [HTTPHeader("Authorization", key), HTTPHeader("Accept", "application/json")])
        #expect(!request.description.contains(key))
        #expect(request.description.contains("Authorization: <redacted>"))
        #expect(request.description.contains("Accept: application/json"))
    }
}
