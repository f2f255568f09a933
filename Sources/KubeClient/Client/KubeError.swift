import KubeCore

/// Why a request failed. A non-2xx answer keeps the server's `metav1.Status` whole.
public enum KubeError: Error, Sendable, CustomStringConvertible {
    /// The API server refused: its Status, with code and reason.
    case api(Status)
    /// The request never got an answer (connection, TLS, timeout, cancellation).
    case transport(TransportError)
    /// Configuration or credentials could not be used.
    case configuration(ConfigError)
    /// The answer could not be decoded into the expected type.
    case decoding(String)

    public var status: Status? {
        if case let .api(status) = self { return status }
        return nil
    }

    public var code: Int? { status?.code }
    public var reason: String? { status?.reason }

    public var isNotFound: Bool { code == 404 }
    public var isConflict: Bool { code == 409 && reason == "Conflict" }
    public var isAlreadyExists: Bool { code == 409 && reason == "AlreadyExists" }
    /// 410 Gone / Expired: a watch or continue token from a resourceVersion the server no longer has.
    public var isGone: Bool { code == 410 }

    public var description: String {
        switch self {
        case let .api(status): return "API error: \(status)"
        case let .transport(error): return "transport error: \(error)"
        case let .configuration(error): return "configuration error: \(error)"
        case let .decoding(message): return "decoding error: \(message)"
        }
    }
}
