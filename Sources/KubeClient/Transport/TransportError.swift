/// Why a transfer failed below HTTP (an HTTP error status is a response, not an error).
public enum TransportError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No connection to the server (refused, unreachable, DNS, connect timeout).
    case connectFailed(String)
    /// The request's total `timeout` passed.
    case timedOut
    /// A stream received nothing for its `idleTimeout`.
    case idleTimeout
    /// TLS handshake or certificate verification failed, or the TLS material is unusable.
    case tls(String)
    /// The caller cancelled (task cancelled, stream dropped) or the engine shut down.
    case cancelled
    /// The proxy could not be reached or refused the tunnel.
    case proxy(String)
    /// Any other libcurl failure (`code` is the CURLcode; negative codes are the engine's own).
    case other(code: Int, message: String)

    /// Whether trying again (on a new or reused connection) may succeed without the caller
    /// changing anything. A total timeout is not retryable here: the server may have applied a
    /// non-idempotent request, so the caller decides.
    public var isRetryable: Bool {
        switch self {
        case .connectFailed, .idleTimeout, .proxy: return true
        case .timedOut, .tls, .cancelled: return false
        case let .other(code, _): return Self.connectionLostCodes.contains(code)
        }
    }

    /// CURLcodes that mean the connection broke mid-request: send/receive errors, empty reply,
    /// HTTP/2 framing or stream errors, a body cut short.
    static let connectionLostCodes: Set<Int> = [16, 18, 52, 55, 56, 92]

    public var description: String {
        switch self {
        case let .connectFailed(message): return "connection failed: \(message)"
        case .timedOut: return "request timed out"
        case .idleTimeout: return "stream idle timeout: no data received"
        case let .tls(message): return "TLS error: \(message)"
        case .cancelled: return "cancelled"
        case let .proxy(message): return "proxy error: \(message)"
        case let .other(code, message): return "transport error \(code): \(message)"
        }
    }
}
