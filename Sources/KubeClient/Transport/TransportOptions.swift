/// How a `CurlEngine` talks to one API server; fixed for the engine's lifetime so that all its
/// transfers can share connections.
public struct TransportOptions: Sendable, Equatable {
    public var tls: TLSOptions
    /// An `http://` or `https://` proxy, or nil to connect directly. The environment's
    /// `https_proxy` variables are ignored: the caller decides (a kubeconfig names its proxy).
    public var proxyURL: String?
    /// Time to set up TCP and TLS (per connection, not per request).
    public var connectTimeout: Duration
    /// Offer HTTP/2 by ALPN (many watches then share one connection); false forces HTTP/1.1.
    public var http2: Bool
    /// How often an idle connection is kept alive: TCP keepalive probes, and HTTP/2 PING frames
    /// where libcurl supports connection upkeep on a multi handle. nil turns both off.
    public var keepAlivePing: Duration?

    public init(tls: TLSOptions = TLSOptions(), proxyURL: String? = nil, connectTimeout: Duration = .seconds(10),
                http2: Bool = true, keepAlivePing: Duration? = .seconds(30)) {
        self.tls = tls
        self.proxyURL = proxyURL
        self.connectTimeout = connectTimeout
        self.http2 = http2
        self.keepAlivePing = keepAlivePing
    }
}
