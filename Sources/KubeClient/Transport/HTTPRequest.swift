/// One HTTP request as the transport sends it. The URL is absolute (`https://host:port/path?query`).
public struct HTTPRequest: Sendable {
    public var method: String
    public var url: String
    /// Sent in order; a header the caller sets replaces libcurl's default of the same name.
    public var headers: [(String, String)]
    public var body: [UInt8]?
    /// Total time for an ordinary (`execute`) request, from start to the last body byte; nil waits
    /// forever. Ignored by `stream`: a watch is meant to stay open, so it has an idle timeout instead.
    public var timeout: Duration?
    /// For `stream`: fail with `TransportError.idleTimeout` when no byte (header or body) has arrived
    /// for this long. A watch with bookmarks on gets at least one event a minute, so a dead
    /// connection shows as silence. nil never times out.
    public var idleTimeout: Duration?

    public init(method: String = "GET", url: String, headers: [(String, String)] = [], body: [UInt8]? = nil,
                timeout: Duration? = nil, idleTimeout: Duration? = nil) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.idleTimeout = idleTimeout
    }
}
