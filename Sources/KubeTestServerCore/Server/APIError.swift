import KubeCore

/// A failed request, rendered as the `metav1.Status` the real API server sends.
public struct APIError: Error, Sendable {
    public var code: Int
    public var reason: String
    public var message: String
    public var details: JSON?
    /// Seconds for `Retry-After` (429, and some 5xx).
    public var retryAfterSeconds: Int?

    public init(code: Int, reason: String, message: String, details: JSON? = nil, retryAfterSeconds: Int? = nil) {
        self.code = code
        self.reason = reason
        self.message = message
        self.details = details
        self.retryAfterSeconds = retryAfterSeconds
    }

    public var status: JSON {
        var body: JSON = [
            "kind": "Status", "apiVersion": "v1", "metadata": [:], "status": "Failure",
            "message": .string(message), "code": .int(Int64(code)),
        ]
        if !reason.isEmpty { body["reason"] = .string(reason) }
        if let details { body["details"] = details }
        return body
    }

    /// `details` as the real server fills them: name, group (omitted when empty), kind (the plural
    /// resource, or the Kind for Invalid), uid.
    static func details(name: String?, group: String, kind: String, uid: String? = nil, causes: [JSON]? = nil) -> JSON {
        var d: JSON = [:]
        if let name, !name.isEmpty { d["name"] = .string(name) }
        if !group.isEmpty { d["group"] = .string(group) }
        if !kind.isEmpty { d["kind"] = .string(kind) }
        if let uid { d["uid"] = .string(uid) }
        if let causes { d["causes"] = .array(causes) }
        return d
    }

    static func qualified(_ resource: String, _ group: String) -> String {
        group.isEmpty ? resource : "\(resource).\(group)"
    }

    public static func notFound(resource: String, group: String, name: String) -> APIError {
        APIError(code: 404, reason: "NotFound", message: "\(qualified(resource, group)) \"\(name)\" not found",
                 details: details(name: name, group: group, kind: resource))
    }

    public static func alreadyExists(resource: String, group: String, name: String) -> APIError {
        APIError(code: 409, reason: "AlreadyExists", message: "\(qualified(resource, group)) \"\(name)\" already exists",
                 details: details(name: name, group: group, kind: resource))
    }

    public static func conflict(resource: String, group: String, name: String, detail: String = "the object has been modified; please apply your changes to the latest version and try again") -> APIError {
        APIError(code: 409, reason: "Conflict",
                 message: "Operation cannot be fulfilled on \(qualified(resource, group)) \"\(name)\": \(detail)",
                 details: details(name: name, group: group, kind: resource))
    }

    /// 422 Invalid. `kind` is the Kind (`Gizmo`), qualified with the group as the server does.
    public static func invalid(kind: String, group: String, name: String, errors: [FieldError]) -> APIError {
        let qualifiedKind = group.isEmpty ? kind : "\(kind).\(group)"
        // The message lists each distinct error once, as field.ErrorList.ToAggregate does; the
        // causes keep every error (golden 065 reports one cause twice).
        var seen = Set<String>()
        let distinct = errors.map(\.summary).filter { seen.insert($0).inserted }
        let summary = distinct.count == 1 ? distinct[0] : "[" + distinct.joined(separator: ", ") + "]"
        let causes: [JSON] = errors.map { ["reason": .string($0.reason.rawValue), "message": .string($0.message), "field": .string($0.field)] }
        return APIError(code: 422, reason: "Invalid", message: "\(qualifiedKind) \"\(name)\" is invalid: \(summary)",
                        details: details(name: name, group: group, kind: kind, causes: causes))
    }

    public static func badRequest(_ message: String) -> APIError {
        APIError(code: 400, reason: "BadRequest", message: message)
    }

    public static func forbidden(resource: String, group: String, name: String?, detail: String, causes: [JSON]? = nil) -> APIError {
        let subject = name.map { "\(qualified(resource, group)) \"\($0)\"" } ?? qualified(resource, group)
        return APIError(code: 403, reason: "Forbidden", message: "\(subject) is forbidden: \(detail)",
                        details: details(name: name, group: group, kind: resource, causes: causes))
    }

    public static func methodNotAllowed(_ method: String) -> APIError {
        APIError(code: 405, reason: "MethodNotAllowed", message: "the server does not allow this method on the requested resource",
                 details: [:])
    }

    public static func unsupportedMediaType(_ accepted: [String]) -> APIError {
        APIError(code: 415, reason: "UnsupportedMediaType",
                 message: "the body of the request was in an unknown format - accepted media types include: " + accepted.joined(separator: ", "))
    }

    public static func notAcceptable(_ accepted: [String]) -> APIError {
        APIError(code: 406, reason: "NotAcceptable",
                 message: "only the following media types are accepted: " + accepted.joined(separator: ", "))
    }

    public static func gone(_ message: String) -> APIError {
        APIError(code: 410, reason: "Expired", message: message)
    }

    public static func tooManyRequests(retryAfter: Int) -> APIError {
        APIError(code: 429, reason: "TooManyRequests", message: "Too many requests, please try again later.",
                 details: ["retryAfterSeconds": .int(Int64(retryAfter))], retryAfterSeconds: retryAfter)
    }

    public static func internalError(_ message: String) -> APIError {
        APIError(code: 500, reason: "InternalError", message: "Internal error occurred: \(message)",
                 details: ["causes": [["message": .string(message)]]])
    }

    public static func unauthorized() -> APIError {
        APIError(code: 401, reason: "Unauthorized", message: "Unauthorized")
    }

    public static func notFoundPath() -> APIError {
        APIError(code: 404, reason: "NotFound", message: "the server could not find the requested resource", details: [:])
    }

    public static func requestEntityTooLarge(limit: Int) -> APIError {
        APIError(code: 413, reason: "RequestEntityTooLarge", message: "Request entity too large: limit is \(limit)")
    }
}
