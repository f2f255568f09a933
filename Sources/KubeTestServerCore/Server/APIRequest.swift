import KubeCore

/// Who is calling, as authentication established it.
public struct UserInfo: Sendable, Equatable {
    public var name: String
    public var groups: [String]
    /// The user's uid where the authenticator knows one (a service account's).
    public var uid: String
    /// What the authenticator adds (a service-account token's `authentication.kubernetes.io/*`).
    public var extra: [String: [String]]

    public init(name: String, groups: [String], uid: String = "", extra: [String: [String]] = [:]) {
        self.name = name
        self.groups = groups
        self.uid = uid
        self.extra = extra
    }

    public var isMaster: Bool { groups.contains("system:masters") }
}

/// One HTTP request as the API layer sees it, independent of the transport.
public struct APIRequest: Sendable {
    public var method: String
    public var path: String
    public var query: [String: String]
    /// Header names lowercased.
    public var headers: [String: String]
    public var body: [UInt8]
    public var user: UserInfo

    public init(method: String, path: String, query: [String: String] = [:], headers: [String: String] = [:],
                body: [UInt8] = [], user: UserInfo) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        self.user = user
    }

    /// Splits `path?query`, percent-decoding query values.
    public static func splitTarget(_ target: String) -> (path: String, query: [String: String]) {
        guard let q = target.firstIndex(of: "?") else { return (percentDecode(target), [:]) }
        var query: [String: String] = [:]
        for pair in target[target.index(after: q)...].split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = percentDecode(String(parts[0]), plusIsSpace: true)
            let value = parts.count > 1 ? percentDecode(String(parts[1]), plusIsSpace: true) : ""
            if query[key] == nil { query[key] = value }
        }
        return (percentDecode(String(target[..<q])), query)
    }

    static func percentDecode(_ s: String, plusIsSpace: Bool = false) -> String {
        // Byte scans: `String.contains(String)` goes through Foundation's `range(of:)`, which
        // cost the server 1 % of its CPU on a path every request takes.
        guard s.utf8.contains(UInt8(ascii: "%")) || (plusIsSpace && s.utf8.contains(UInt8(ascii: "+"))) else { return s }
        var bytes: [UInt8] = []
        var utf8 = Array(s.utf8)[...]
        while let b = utf8.popFirst() {
            if b == UInt8(ascii: "%"), utf8.count >= 2,
               let v = UInt8(String(decoding: utf8.prefix(2), as: UTF8.self), radix: 16) {
                bytes.append(v)
                utf8 = utf8.dropFirst(2)
            } else if plusIsSpace, b == UInt8(ascii: "+") {
                bytes.append(0x20)
            } else {
                bytes.append(b)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// The answer: a whole body, or a watch stream the transport pumps.
public enum APIResponse: Sendable {
    case full(status: Int, headers: [(String, String)], body: [UInt8])
    case watch(WatchStream)

    public static func json(_ status: Int, _ body: JSON, headers: [(String, String)] = []) -> APIResponse {
        .full(status: status, headers: [("Content-Type", "application/json")] + headers, body: body.serialized())
    }

    public static func error(_ error: APIError) -> APIResponse {
        var headers: [(String, String)] = [("Content-Type", "application/json")]
        if let retry = error.retryAfterSeconds { headers.append(("Retry-After", String(retry))) }
        return .full(status: error.code, headers: headers, body: error.status.serialized())
    }

    public var status: Int {
        switch self {
        case let .full(status, _, _): return status
        case .watch: return 200
        }
    }

    /// The body of a full response (empty for watches).
    public var body: [UInt8] {
        if case let .full(_, _, body) = self { return body }
        return []
    }
}
