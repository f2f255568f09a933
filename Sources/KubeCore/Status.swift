/// `metav1.Status`: how the API server explains a failure (and some successes, like a DELETE).
/// Clients keep it whole so callers can branch on `reason` and `code`, and show `message`.
public struct Status: Sendable, Codable, Equatable, CustomStringConvertible {
    public struct Cause: Sendable, Codable, Equatable {
        public var reason: String?
        public var message: String?
        public var field: String?

        public init(reason: String? = nil, message: String? = nil, field: String? = nil) {
            self.reason = reason
            self.message = message
            self.field = field
        }
    }

    public struct Details: Sendable, Codable, Equatable {
        public var name: String?
        public var group: String?
        public var kind: String?
        public var uid: String?
        public var causes: [Cause]?
        public var retryAfterSeconds: Int?

        public init(name: String? = nil, group: String? = nil, kind: String? = nil, uid: String? = nil,
                    causes: [Cause]? = nil, retryAfterSeconds: Int? = nil) {
            self.name = name
            self.group = group
            self.kind = kind
            self.uid = uid
            self.causes = causes
            self.retryAfterSeconds = retryAfterSeconds
        }
    }

    /// "Success" or "Failure".
    public var status: String?
    public var message: String?
    /// Machine-readable reason: NotFound, AlreadyExists, Conflict, Invalid, Forbidden, Expired, …
    public var reason: String?
    public var details: Details?
    public var code: Int?

    public init(status: String? = nil, message: String? = nil, reason: String? = nil, details: Details? = nil, code: Int? = nil) {
        self.status = status
        self.message = message
        self.reason = reason
        self.details = details
        self.code = code
    }

    /// A Status for a response that carried none (a proxy's HTML page, an empty body).
    public static func synthesized(code: Int, body: [UInt8]) -> Status {
        let text = String(decoding: body.prefix(512), as: UTF8.self)
        let reason: String
        switch code {
        case 400: reason = "BadRequest"
        case 401: reason = "Unauthorized"
        case 403: reason = "Forbidden"
        case 404: reason = "NotFound"
        case 405: reason = "MethodNotAllowed"
        case 406: reason = "NotAcceptable"
        case 409: reason = "Conflict"
        case 410: reason = "Expired"
        case 415: reason = "UnsupportedMediaType"
        case 422: reason = "Invalid"
        case 429: reason = "TooManyRequests"
        case 500: reason = "InternalError"
        case 503: reason = "ServiceUnavailable"
        case 504: reason = "Timeout"
        default: reason = "Unknown"
        }
        return Status(status: "Failure", message: text.isEmpty ? "the server responded with status \(code)" : text,
                      reason: reason, details: nil, code: code)
    }

    public var description: String {
        "\(reason ?? "Unknown") (\(code ?? 0)): \(message ?? "")"
    }
}
