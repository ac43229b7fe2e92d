import CometAPI
import Foundation
import Hummingbird
import Testing

/// A transport that plays back scripted outcomes and records requests.
final class ScriptedTransport: HTTPTransport, Sendable {
    enum Step: Sendable {
        case respond(Int, String, [HTTPHeader])
        case fail(HTTPTransportError)
    }

    private let steps: LockedBox<[Step]>
    private let log = LockedBox<[TransportRequest]>([])

    init(_ steps: [Step]) { self.steps = LockedBox(steps) }

    var requests: [TransportRequest] { log.value }

    func send(_ request: TransportRequest, sink: ResponseSink, progress: ProgressHandler?) async throws -> TransportResponse {
        log.mutate { $0.append(request) }
        let step = steps.mutate { s -> Step? in s.isEmpty ? nil : s.removeFirst() }
        switch step {
        case .respond(let status, let body, let headers)?:
            return TransportResponse(status: status, headers: headers, body: Data(body.utf8))
        case .fail(let error)?:
            throw error
        case nil:
            Issue.record("unexpected extra request \(request)")
            throw HTTPTransportError.curl(code: 7, message: "script exhausted")
        }
    }
}

@Suite("CometClient retry behaviour (scripted transport)")
struct RetryBehaviourTests {
    private func client(_ transport: ScriptedTransport, attempts: Int = 4) throws -> CometClient {
        CometClient(configuration: try CometConfiguration(apiKey: "scripted-key", urlOverride: "http://h:1/clientlib/"),
                    transport: transport, retryPolicy: RetryPolicy(maxAttempts: attempts, baseDelayMilliseconds: 1))
    }

    @Test func readsRetryConnectionFailures() async throws {
        let transport = ScriptedTransport([.fail(.curl(code: 7, message: "refused")), .fail(.curl(code: 28, message: "timeout")),
                                           .respond(200, Fixtures.workspaces, [])])
        #expect(try await client(transport).workspaces() == ["ws-a", "ws-b"])
        #expect(transport.requests.count == 3)
        #expect(transport.requests.allSatisfy { $0.url == "http://h:1/api/rest/v2/workspaces" })
    }

    @Test func writesDoNotRetryConnectionFailures() async throws {
        let transport = ScriptedTransport([.fail(.curl(code: 56, message: "connection reset"))])
        let error = await #expect(throws: CometAPIError.self) {
            try await client(transport).setVersionState(artifactVersionId: "v", experimentKey: nil, state: .closed)
        }
        #expect(error == .transport(code: 56, message: "connection reset", operation: "Setting version v to CLOSED"))
        #expect(transport.requests.count == 1)
    }

    @Test func writesRetryServerErrors() async throws {
        let transport = ScriptedTransport([.respond(503, "", [HTTPHeader("Retry-After", "0")]), .respond(200, "{}", [])])
        try await client(transport).updateVersionLabels(artifactVersionId: "v", aliases: ["a"])
        #expect(transport.requests.count == 2)
    }

    @Test func honoursRetryAfterCustom() async throws {
        let transport = ScriptedTransport([.respond(429, "", [HTTPHeader("Retry-After-Custom", "0")]), .respond(200, Fixtures.workspaces, [])])
        #expect(try await client(transport).workspaces().count == 2)
    }

    @Test func nonRetryableTransportErrorsFailAtOnce() async throws {
        let transport = ScriptedTransport([.fail(.curl(code: 60, message: "SSL certificate problem: self-signed certificate"))])
        let error = await #expect(throws: CometAPIError.self) { _ = try await client(transport).workspaces() }
        #expect(error?.userMessage.contains("--insecure") == true)
        #expect(transport.requests.count == 1)
    }

    @Test func cancellationDuringBackoffStopsRetrying() async throws {
        let transport = ScriptedTransport([.respond(503, "", [HTTPHeader("Retry-After", "3600")])])
        let client = CometClient(configuration: try CometConfiguration(apiKey: "scripted-key", urlOverride: "http://h:1/clientlib/"),
                                 transport: transport, retryPolicy: RetryPolicy(maxAttempts: 3, maxDelayMilliseconds: 3_600_000))
        let task = Task { try await client.workspaces() }
        while transport.requests.isEmpty { await Task.yield() }
        task.cancel()
        let result = await task.result
        guard case .failure(let error as CometAPIError) = result else {
            Issue.record("expected a CometAPIError, got \(result)")
            return
        }
        #expect(error == .cancelled(operation: "Listing workspaces"))
        #expect(transport.requests.count == 1)
    }

    @Test func everyRequestCarriesTheRawKeyAndAcceptsJSON() async throws {
        let transport = ScriptedTransport([.respond(200, Fixtures.accountDetails, [])])
        _ = try await client(transport).accountDetails()
        let headers = try #require(transport.requests.first?.headers)
        #expect(headers.contains(HTTPHeader("Authorization", "scripted-key")))
        #expect(headers.contains(HTTPHeader("Accept", "application/json")))
    }
}

@Suite("libcurl transport threading")
struct TransportThreadingTests {
    /// More stalled transfers than the machine has cores must not starve other requests:
    /// transfers wait on the curl thread, not on Swift's cooperative pool.
    @Test func stalledTransfersDoNotBlockOtherRequests() async throws {
        let release = LockedBox(false)
        let server = try await TestServer.start { request in
            if request.path.hasSuffix("/slow") {
                return .stream(status: 200, headers: [], contentLength: 1) { writer in
                    while !release.value { try await Task.sleep(for: .milliseconds(10)) }
                    try await writer.write(ByteBuffer(bytes: [1]))
                }
            }
            return .json(Fixtures.workspaces)
        }
        defer { server.stop() }
        let transport = CurlTransport()
        let slowCount = min(ProcessInfo.processInfo.activeProcessorCount * 2 + 1, 7)  // below the 8 connections per host
        let slow = Task {
            try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<slowCount {
                    group.addTask { try await transport.send(TransportRequest(url: "http://127.0.0.1:\(server.port)/slow")).status }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
        }
        // Wait until all slow requests reached the server, then ask for something quick.
        while server.requests.filter({ $0.path == "/slow" }).count < slowCount { try await Task.sleep(for: .milliseconds(5)) }
        let quick = try await transport.send(TransportRequest(url: "http://127.0.0.1:\(server.port)/api/rest/v2/workspaces"))
        #expect(quick.status == 200)
        release.value = true
        #expect(try await slow.value == Array(repeating: 200, count: slowCount))
    }
}
