import Synchronization

/// Faults other modules' tests inject: fail the next N matching requests with a status, add
/// latency to every call.
public final class FaultInjector: Sendable {
    public struct Rule: Sendable {
        public var verb: String?
        public var resource: String?
        public var remaining: Int
        public var error: APIError
        /// Fail only every n-th matching request (1 = every one).
        public var every: Int
        var seen: Int = 0
    }

    struct State {
        var rules: [Rule] = []
        var latency: Duration? = nil
    }

    private let state = Mutex(State())

    /// The user the workload simulator acts as; its requests get no injected faults or latency.
    public static let builtInControllers = "system:kube-controller-manager"

    public init() {}

    /// Fails the next `count` requests matching `verb` (get, list, watch, create, update, patch,
    /// delete) and `resource` (plural, or `plural/status`); nil matches any.
    public func failNext(_ count: Int, verb: String? = nil, resource: String? = nil, status: Int,
                         retryAfterSeconds: Int? = nil, every: Int = 1) {
        let error: APIError
        switch status {
        case 409: error = APIError(code: 409, reason: "Conflict", message: "Operation cannot be fulfilled: the object has been modified; please apply your changes to the latest version and try again (injected)")
        case 410: error = .gone("too old resource version (injected)")
        case 422: error = APIError(code: 422, reason: "Invalid", message: "the object is invalid (injected)",
                                   details: ["causes": [["reason": "FieldValueInvalid", "message": "Invalid value: injected", "field": "metadata.name"]]])
        case 429: error = .tooManyRequests(retryAfter: retryAfterSeconds ?? 1)
        case 500: error = .internalError("injected fault")
        case 503: error = APIError(code: 503, reason: "ServiceUnavailable", message: "the server is currently unable to handle the request (injected)", retryAfterSeconds: retryAfterSeconds)
        case 504: error = APIError(code: 504, reason: "Timeout", message: "the server was unable to return a response in the time allotted, but may still be processing the request (injected)")
        default: error = APIError(code: status, reason: "InternalError", message: "injected fault \(status)")
        }
        state.withLock { $0.rules.append(Rule(verb: verb, resource: resource, remaining: count, error: error, every: max(1, every))) }
    }

    public var latency: Duration? {
        get { state.withLock { $0.latency } }
        set { state.withLock { $0.latency = newValue } }
    }

    public func clear() {
        state.withLock { $0 = State() }
    }

    func take(verb: String, resource: String) -> APIError? {
        state.withLock { state in
            for i in state.rules.indices {
                let rule = state.rules[i]
                guard rule.remaining > 0,
                      rule.verb == nil || rule.verb == verb,
                      rule.resource == nil || rule.resource == resource else { continue }
                state.rules[i].seen += 1
                guard state.rules[i].seen % rule.every == 0 else { continue }
                state.rules[i].remaining -= 1
                return rule.error
            }
            state.rules.removeAll { $0.remaining <= 0 }
            return nil
        }
    }
}
