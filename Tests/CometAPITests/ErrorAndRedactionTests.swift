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

    /// Comet's two not-found codes (reference §3): the Java SDK maps 624522 (no artifact) and the
    /// Python SDK 624523 (no version); either may come from the artifact endpoints (`artifacts/get`)
    /// or the version endpoints (`artifacts/version`, `version/files`), as a number or a string, with
    /// status 400 (Comet) or 404. arty treats all of them as "not found" (issue 15).
    @Test(arguments: [624522, 624523], [
        (400, "Reading artifact 'ws/cats'"), (404, "Reading artifact 'ws/cats'"),
        (400, "Reading version 'ws/cats:prod'"), (404, "Listing files of 'ws/cats:1.0.0'"),
    ])
    func notFoundCodesFromEitherEndpointFamily(code: Int, answer: (Int, String)) {
        let (status, operation) = answer
        for body in [#"{"msg":"gone","code":\#(status),"sdk_error_code":\#(code)}"#, #"{"msg":"gone","sdk_error_code":"\#(code)"}"#] {
            let error = CometAPIError.fromResponse(response(status, body), operation: operation)
            #expect(error.sdkErrorCode == code)
            #expect(error.isNotFound)
            #expect(!error.isRetryable && !error.isUnauthorized && !error.isNotFinal)
            #expect(error.userMessage == "\(operation) failed: HTTP \(status), Comet error \(code): gone. Check the workspace, artifact name and version.")
        }
        // Another 4xx code is not a not-found.
        let other = CometAPIError.fromResponse(response(400, #"{"msg":"exists","sdk_error_code":90399}"#), operation: operation)
        #expect(!other.isNotFound)
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

@Suite("connection hints")
struct ConnectionHintTests {
    @Test func aRetriedRefusalReportsTheAttemptsAndTheRealTime() {
        let error = CometAPIError.transport(code: 7, message: "Failed to connect to 127.0.0.1 port 9 after 0 ms: Couldn't connect to server",
                                            operation: "Listing workspaces")
        let retried = error.afterAttempts(4, elapsedMilliseconds: 3_812)
        #expect(retried == .transport(code: 7, message: "Failed to connect to 127.0.0.1 port 9: Couldn't connect to server (4 attempts over 3.8 s)",
                                      operation: "Listing workspaces"))
        #expect(!retried.userMessage.contains("0 ms"))
        let http = CometAPIError.http(status: 503, sdkErrorCode: nil, message: nil, operation: "x")
        #expect(http.afterAttempts(4, elapsedMilliseconds: 10) == http)
    }

    @Test func httpsAtAPlainHTTPServerSaysSoAndDoesNotSuggestInsecure() {
        let error = CometAPIError.transport(code: 35, message: "OpenSSL/3.0.15: error:0A00010B:SSL routines::wrong version number",
                                            operation: "Listing workspaces")
        #expect(error.userMessage.hasSuffix("The server does not speak TLS: check the URL scheme (http:// rather than https://?)."))
        #expect(!error.userMessage.contains("--insecure"))
        let verify = CometAPIError.transport(code: 60, message: "SSL certificate problem", operation: "x")
        #expect(verify.userMessage.contains("--insecure"))
    }

    @Test func a404HintDependsOnTheOperation() {
        let workspaces = CometAPIError.http(status: 404, sdkErrorCode: nil, message: nil, operation: "Listing workspaces")
        #expect(workspaces.userMessage == "Listing workspaces failed: HTTP 404. Check that COMET_URL_OVERRIDE (or --url-override) points at a Comet server (…/clientlib/).")
        let account = CometAPIError.http(status: 404, sdkErrorCode: nil, message: nil, operation: "Reading account details")
        #expect(account.userMessage.contains("points at a Comet server"))
        let version = CometAPIError.http(status: 404, sdkErrorCode: nil, message: nil, operation: "Reading version 'ws/a:1.0.0'")
        #expect(version.userMessage.hasSuffix("Check the workspace, artifact name and version."))
    }
}
