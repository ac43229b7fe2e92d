import Foundation

/// A fault the registry can inject into its answers, on purpose, to test clients against broken
/// proxies, flaky networks and odd servers (issue 7). Test-only: reachable through
/// ``RegistryConfiguration/faults`` and the hidden `arty serve --faults SPEC`.
///
/// Faults marked *before the handler* answer without running the real route, so a write they
/// hit never changes the registry; the others run the route and then spoil its answer.
public enum Fault: Sendable, Hashable, CustomStringConvertible {
    /// `drop:N`: the real answer, its Content-Length kept, cut after `N` body bytes; the
    /// connection is closed (curl error 18). After the handler.
    case drop(afterBytes: Int)
    /// `short:N`: the whole real body, but a Content-Length `N` bytes larger; then the connection
    /// is closed. After the handler.
    case shortBody(missingBytes: Int)
    /// `nolength:N`: the real answer without Content-Length (chunked), cut after `N` body bytes
    /// without the final chunk; the connection is closed. After the handler.
    case noLengthCut(afterBytes: Int)
    /// `status:CODE[:SDKCODE]`: `CODE` with Comet's error body
    /// `{"msg","code","sdk_error_code"}` (reference §3). Before the handler.
    case status(Int, sdkErrorCode: Int)
    /// `throttle:SECONDS`: 429 with `Retry-After: SECONDS` and Comet's error body. Before the handler.
    case throttle(retryAfterSeconds: Int)
    /// `stall:MS`: waits `MS` milliseconds, then handles the request normally.
    case stall(milliseconds: Int)
    /// `slow:BYTES`: the real answer, Content-Length kept, its body written at most `BYTES` bytes
    /// per second (a slice every 100 ms), so a transfer stays in progress for seconds with its
    /// bytes moving (a congested link). After the handler.
    case slowBody(bytesPerSecond: Int)
    /// `malformed`: 200, `application/json`, a truncated JSON text. Before the handler.
    case malformedJSON
    /// `shape`: 200, `application/json`, valid JSON of the wrong shape (an array of objects
    /// with unknown fields where an object is expected). Before the handler.
    case wrongShape
    /// `html[:CODE]`: an HTML error page (`text/html`), status `CODE` (default 200, as a captive
    /// portal answers). Before the handler.
    case html(status: Int)
    /// `empty[:CODE]`: an empty body with `application/json`, status `CODE` (default 200).
    /// Before the handler.
    case empty(status: Int)
    /// `ctype:TYPE`: the real answer with its Content-Type replaced by `TYPE`. After the handler.
    case contentType(String)
    /// `reset`: headers of a 200 that promise one byte, then the connection is closed with no body
    /// (a proxy that dies on the request). Before the handler.
    case reset
    /// `busy:N[:SECONDS]`: a server that refuses load. While `N` requests of the rule's route are in
    /// flight (from the request's arrival until its body is written), a further one is answered 429
    /// with `Retry-After: SECONDS` (default 1) and Comet's error body, before the handler; the others
    /// are handled normally. `*TIMES` counts the 429s.
    case busy(maxInFlight: Int, retryAfterSeconds: Int)
    /// `norange`: the request is handled as if it had no `Range` header, and the answer carries no
    /// `Accept-Ranges`: a `200` with the whole body, as from a server or proxy that ignores ranges
    /// (issue 12). After the handler.
    case noRange

    /// True when the fault answers without running the real route (a write it hits is not applied).
    public var skipsHandler: Bool {
        switch self {
        case .drop, .shortBody, .noLengthCut, .stall, .slowBody, .contentType, .noRange: false
        case .status, .throttle, .malformedJSON, .wrongShape, .html, .empty, .reset, .busy: true
        }
    }

    /// The spec form (`drop:100`, `status:503:0`, ...), as parsed by ``FaultPlan/parse(_:)``.
    public var description: String {
        switch self {
        case .drop(let n): "drop:\(n)"
        case .shortBody(let n): "short:\(n)"
        case .noLengthCut(let n): "nolength:\(n)"
        case .status(let code, let sdk): "status:\(code):\(sdk)"
        case .throttle(let s): "throttle:\(s)"
        case .stall(let ms): "stall:\(ms)"
        case .slowBody(let rate): "slow:\(rate)"
        case .malformedJSON: "malformed"
        case .wrongShape: "shape"
        case .html(let code): "html:\(code)"
        case .empty(let code): "empty:\(code)"
        case .contentType(let t): "ctype:\(t)"
        case .reset: "reset"
        case .busy(let n, let s): "busy:\(n):\(s)"
        case .noRange: "norange"
        }
    }
}

/// One rule of a ``FaultPlan``: which requests, which fault, how many times.
public struct FaultRule: Sendable, Hashable, CustomStringConvertible {
    /// `*` for every request; otherwise a path suffix matched at a `/` boundary
    /// (`get-all` and `artifacts/get-all` both match `/api/rest/v2/artifacts/get-all`).
    public var route: String
    public var fault: Fault
    /// How many matching requests get the fault (then the rule is spent); nil for all of them.
    public var times: Int?

    public init(route: String, fault: Fault, times: Int? = nil) {
        self.route = route
        self.fault = fault
        self.times = times
    }

    /// Whether the rule's route names `path` (a request path such as `/api/rest/v2/workspaces`).
    public func matches(path: String) -> Bool {
        if route == "*" { return true }
        let r = route.hasPrefix("/") ? route : "/" + route
        return path == r || path.hasSuffix(r)
    }

    public var description: String { "\(route)=\(fault)" + (times.map { "*\($0)" } ?? "") }
}

/// A set of fault rules, parsed from a compact spec so that tests and `arty serve --faults` share it.
///
/// Grammar: `RULE(;RULE)*`, `RULE = ROUTE=FAULT[*TIMES]`. Examples:
/// `get-all=status:503*2` (two 503s, then normal answers), `get-asset=drop:1000`, `get-asset=slow:16384`,
/// `*=stall:1500*1`, `version/labels=status:403:90210`, `files=throttle:1*1`, `get-asset=busy:4:1`.
/// Pure.
public struct FaultPlan: Sendable, Hashable, CustomStringConvertible {
    public var rules: [FaultRule]

    public init(_ rules: [FaultRule] = []) { self.rules = rules }

    /// No faults.
    public static let none = FaultPlan()

    /// Why a spec did not parse.
    public struct ParseError: Error, Sendable, Hashable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    /// Parses a spec (see the type's documentation). Whitespace around parts is ignored; an empty
    /// spec is the empty plan.
    /// - Throws: ``ParseError`` naming the part that is wrong.
    public static func parse(_ spec: String) throws(ParseError) -> FaultPlan {
        var rules: [FaultRule] = []
        for part in spec.split(separator: ";") {
            let text = part.trimmingCharacters(in: .whitespaces)
            if text.isEmpty { continue }
            guard let eq = text.firstIndex(of: "=") else {
                throw ParseError(message: "Fault rule '\(text)' has no '=': expected ROUTE=FAULT[*TIMES].")
            }
            let route = text[..<eq].trimmingCharacters(in: .whitespaces)
            guard !route.isEmpty else { throw ParseError(message: "Fault rule '\(text)' has an empty route.") }
            var faultText = String(text[text.index(after: eq)...]).trimmingCharacters(in: .whitespaces)
            var times: Int?
            if let star = faultText.lastIndex(of: "*") {
                let count = faultText[faultText.index(after: star)...]
                guard let n = Int(count), n > 0 else {
                    throw ParseError(message: "Fault rule '\(text)': '*\(count)' is not a positive count.")
                }
                times = n
                faultText = String(faultText[..<star])
            }
            rules.append(FaultRule(route: route, fault: try parseFault(faultText, rule: text), times: times))
        }
        return FaultPlan(rules)
    }

    static func parseFault(_ text: String, rule: String) throws(ParseError) -> Fault {
        let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        let name = parts[0].lowercased()
        let argument = parts.count > 1 ? parts[1] : nil
        func number(_ default: Int? = nil, range: ClosedRange<Int> = 0...Int(Int32.max)) throws(ParseError) -> Int {
            guard let argument else {
                if let d = `default` { return d }
                throw ParseError(message: "Fault '\(text)' in '\(rule)' needs a number: \(name):N.")
            }
            guard let n = Int(argument), range.contains(n) else {
                throw ParseError(message: "Fault '\(text)' in '\(rule)': '\(argument)' is not a number in \(range.lowerBound)...\(range.upperBound).")
            }
            return n
        }
        switch name {
        case "drop": return .drop(afterBytes: try number())
        case "short": return .shortBody(missingBytes: try number(range: 1...Int(Int32.max)))
        case "nolength": return .noLengthCut(afterBytes: try number())
        case "status":
            let pieces = (argument ?? "").split(separator: ":").map(String.init)
            guard let first = pieces.first, let code = Int(first), (100...599).contains(code),
                  pieces.count <= 2, let sdk = pieces.count == 2 ? Int(pieces[1]) : 0 else {
                throw ParseError(message: "Fault '\(text)' in '\(rule)': expected status:CODE[:SDKCODE] with CODE in 100...599.")
            }
            return .status(code, sdkErrorCode: sdk)
        case "throttle": return .throttle(retryAfterSeconds: try number(range: 0...86_400))
        case "stall": return .stall(milliseconds: try number(range: 0...3_600_000))
        case "slow": return .slowBody(bytesPerSecond: try number(range: 1...Int(Int32.max)))
        case "malformed": return .malformedJSON
        case "shape": return .wrongShape
        case "html": return .html(status: try number(200, range: 100...599))
        case "empty": return .empty(status: try number(200, range: 100...599))
        case "ctype":
            guard let argument, !argument.isEmpty else {
                throw ParseError(message: "Fault '\(text)' in '\(rule)' needs a content type: ctype:TYPE.")
            }
            return .contentType(argument)
        case "reset": return .reset
        case "busy":
            let pieces = (argument ?? "").split(separator: ":", omittingEmptySubsequences: false).map { Int($0) }
            guard (1...2).contains(pieces.count), let n = pieces[0], (1...100_000).contains(n),
                  let seconds = pieces.count == 2 ? pieces[1] : 1, (0...86_400).contains(seconds) else {
                throw ParseError(message: "Fault '\(text)' in '\(rule)': expected busy:N[:SECONDS] with N in 1...100000.")
            }
            return .busy(maxInFlight: n, retryAfterSeconds: seconds)
        case "norange": return .noRange
        default:
            throw ParseError(message: "Unknown fault '\(name)' in '\(rule)'; known: drop, short, nolength, status, throttle, stall, slow, malformed, shape, html, empty, ctype, reset, busy, norange.")
        }
    }

    public var description: String { rules.map(\.description).joined(separator: ";") }
}

/// The mutable side of a plan: which rules are spent, and what was injected. Shared by the
/// responder's request tasks (lock-guarded), and replaceable while the registry runs.
public final class FaultInjector: @unchecked Sendable {
    private let lock = NSLock()
    private var rules: [FaultRule]
    private var injected: [String] = []
    /// Requests in flight per `busy` rule (by rule index), and the most seen at once.
    private var busyInFlight: [Int: Int] = [:]
    private var busyPeak: [Int: Int] = [:]
    /// Bumped by ``setPlan(_:)`` so that slots of the old plan release nothing in the new one.
    private var generation = 0

    public init(_ plan: FaultPlan = .none) { rules = plan.rules }

    /// Replaces the plan (spent counts start again) and forgets what was injected.
    public func setPlan(_ plan: FaultPlan) {
        lock.lock(); defer { lock.unlock() }
        rules = plan.rules
        injected.removeAll()
        busyInFlight.removeAll()
        busyPeak.removeAll()
        generation += 1
    }

    /// What a `busy` rule decided for one request (``admit(path:)``).
    public enum Admission: Sendable {
        /// Handle it; call ``BusySlot/release()`` once its body is written.
        case admitted(BusySlot)
        /// Answer 429 with `Retry-After: retryAfterSeconds`.
        case refused(retryAfterSeconds: Int)
    }

    /// A request counted in flight by a `busy` rule; released once (a second call does nothing).
    public final class BusySlot: @unchecked Sendable {
        private let injector: FaultInjector
        private let rule: Int
        private let generation: Int
        private let lock = NSLock()
        private var released = false

        fileprivate init(injector: FaultInjector, rule: Int, generation: Int) {
            self.injector = injector
            self.rule = rule
            self.generation = generation
        }

        /// The request is no longer in flight.
        public func release() {
            let first = lock.withLock { () -> Bool in
                defer { released = true }
                return !released
            }
            if first { injector.leave(rule: rule, generation: generation) }
        }

        deinit { release() }
    }

    /// For the first live `busy` rule that matches `path`: counts the request in flight, or refuses
    /// it (consuming one use and recording it) when the rule's bound is reached. Nil when no `busy`
    /// rule matches.
    public func admit(path: String) -> Admission? {
        lock.lock(); defer { lock.unlock() }
        guard let index = rules.firstIndex(where: {
            if case .busy = $0.fault { return $0.matches(path: path) && $0.times != 0 }
            return false
        }), case .busy(let bound, let seconds) = rules[index].fault else { return nil }
        let running = busyInFlight[index, default: 0]
        if running >= bound {
            if let n = rules[index].times { rules[index].times = n - 1 }
            injected.append("\(path) \(rules[index].fault)")
            return .refused(retryAfterSeconds: seconds)
        }
        busyInFlight[index] = running + 1
        busyPeak[index] = max(busyPeak[index, default: 0], running + 1)
        return .admitted(BusySlot(injector: self, rule: index, generation: generation))
    }

    fileprivate func leave(rule: Int, generation: Int) {
        lock.lock(); defer { lock.unlock() }
        guard generation == self.generation else { return }
        busyInFlight[rule] = max(0, busyInFlight[rule, default: 0] - 1)
    }

    /// The most requests a `busy` rule let run at once since the plan was set (over all its rules).
    public var busyPeakInFlight: Int {
        lock.lock(); defer { lock.unlock() }
        return busyPeak.values.max() ?? 0
    }

    /// The fault for a request to `path`, consuming one use of the first live matching rule;
    /// nil for none. `busy` rules are not considered here (``admit(path:)`` decides them).
    public func fault(forPath path: String) -> Fault? {
        lock.lock(); defer { lock.unlock() }
        guard let index = rules.firstIndex(where: {
            if case .busy = $0.fault { return false }
            return $0.matches(path: path) && $0.times != 0
        }) else { return nil }
        if let n = rules[index].times { rules[index].times = n - 1 }
        injected.append("\(path) \(rules[index].fault)")
        return rules[index].fault
    }

    /// Every fault injected since the plan was set: `PATH FAULT`, oldest first.
    public var injectedFaults: [String] {
        lock.lock(); defer { lock.unlock() }
        return injected
    }
}
