import ArtifactRegistry
import Foundation
import Testing

@Suite("FaultPlan spec parsing and matching (pure)")
struct FaultPlanTests {
    @Test func parsesEveryFaultKind() throws {
        let plan = try FaultPlan.parse(
            "get-all=status:503*2; artifacts/get=status:403:90210; files=throttle:7*1; get-asset=drop:1000;"
                + "labels=short:5; upsert=nolength:0; *=stall:1500*1; a=malformed; b=shape; c=html; d=html:502;"
                + "e=empty; f=empty:204; g=ctype:text/plain; h=reset; get-asset=slow:16384")
        #expect(plan.rules.map(\.fault) == [
            .status(503, sdkErrorCode: 0), .status(403, sdkErrorCode: 90210), .throttle(retryAfterSeconds: 7),
            .drop(afterBytes: 1000), .shortBody(missingBytes: 5), .noLengthCut(afterBytes: 0), .stall(milliseconds: 1500),
            .malformedJSON, .wrongShape, .html(status: 200), .html(status: 502), .empty(status: 200), .empty(status: 204),
            .contentType("text/plain"), .reset, .slowBody(bytesPerSecond: 16384),
        ])
        #expect(plan.rules.map(\.times) == [2, nil, 1, nil, nil, nil, 1, nil, nil, nil, nil, nil, nil, nil, nil, nil])
        #expect(plan.rules.map(\.route).prefix(3) == ["get-all", "artifacts/get", "files"])
        // The description is a spec that parses back to the same plan.
        #expect(try FaultPlan.parse(plan.description) == plan)
    }

    @Test(arguments: [
        "get-all", "=status:500", "x=teapot", "x=status", "x=status:99", "x=status:abc", "x=drop", "x=drop:-1",
        "x=short:0", "x=stall:1h", "x=status:500*0", "x=status:500*two", "x=ctype:", "x=html:700",
        "x=slow", "x=slow:0", "x=slow:-5", "x=slow:fast",
    ])
    func rejectsMalformedSpecs(_ spec: String) {
        #expect(throws: FaultPlan.ParseError.self) { try FaultPlan.parse(spec) }
    }

    @Test func emptySpecIsNoFault() throws {
        #expect(try FaultPlan.parse("") == .none)
        #expect(try FaultPlan.parse(" ; ;") == .none)
    }

    @Test func routesMatchPathSuffixesAtSegmentBoundaries() {
        let rule = FaultRule(route: "artifacts/get", fault: .reset)
        #expect(rule.matches(path: "/api/rest/v2/artifacts/get"))
        #expect(!rule.matches(path: "/api/rest/v2/artifacts/get-all"))
        #expect(!rule.matches(path: "/api/rest/v2/xartifacts/get"))
        #expect(FaultRule(route: "*", fault: .reset).matches(path: "/anything"))
        #expect(FaultRule(route: "/clientlib/isAlive/ver", fault: .reset).matches(path: "/clientlib/isAlive/ver"))
    }

    @Test func countedRulesAreSpentThenTheNextRuleApplies() throws {
        let injector = FaultInjector(try FaultPlan.parse("workspaces=status:500*2;*=status:404"))
        let faults = (0..<4).map { _ in injector.fault(forPath: "/api/rest/v2/workspaces") }
        #expect(faults == [.status(500, sdkErrorCode: 0), .status(500, sdkErrorCode: 0),
                           .status(404, sdkErrorCode: 0), .status(404, sdkErrorCode: 0)])
        #expect(injector.injectedFaults.count == 4)
        injector.setPlan(.none)
        #expect(injector.fault(forPath: "/api/rest/v2/workspaces") == nil)
        #expect(injector.injectedFaults.isEmpty)
    }

    @Test func handlerSkippingFaultsAreTheOnesThatAnswerOnTheirOwn() {
        #expect(Fault.status(503, sdkErrorCode: 0).skipsHandler)
        #expect(Fault.reset.skipsHandler)
        #expect(!Fault.drop(afterBytes: 0).skipsHandler)
        #expect(!Fault.stall(milliseconds: 1).skipsHandler)
        #expect(!Fault.slowBody(bytesPerSecond: 1).skipsHandler)
        #expect(!Fault.contentType("text/plain").skipsHandler)
    }
}
