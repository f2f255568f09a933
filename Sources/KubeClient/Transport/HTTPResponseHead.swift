/// Status line and headers of a response, available before its body.
public struct HTTPResponseHead: Sendable {
    public var status: Int
    /// As received; HTTP/2 header names are lower case.
    public var headers: [(String, String)]
    /// 1 for HTTP/1.x, 2 for HTTP/2.
    public var httpVersion: Int

    public init(status: Int, headers: [(String, String)], httpVersion: Int) {
        self.status = status
        self.headers = headers
        self.httpVersion = httpVersion
    }

    /// The first header of that name, compared case-insensitively (HTTP/1.1 and HTTP/2 spell names differently).
    public func header(_ name: String) -> String? {
        headers.first { $0.0.utf8.count == name.utf8.count && $0.0.lowercased() == name.lowercased() }?.1
    }
}
