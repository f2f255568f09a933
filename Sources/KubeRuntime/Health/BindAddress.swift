/// A listen address as operators write it on the command line (`--metrics-bind-address`,
/// `--health-probe-bind-address`): `:8080` (every interface), `127.0.0.1:0` (loopback, any free
/// port), `[::1]:9090`, `localhost:8081`.
public struct BindAddress: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    public init(parsing text: String) throws(BindAddressError) {
        guard let colon = text.lastIndex(of: ":") else { throw .invalid(text, "missing port (\"host:port\" or \":port\")") }
        var host = String(text[..<colon])
        let portText = text[text.index(after: colon)...]
        guard let port = Int(portText), (0...65535).contains(port) else { throw .invalid(text, "port must be 0-65535") }
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        self.init(host: host.isEmpty ? "0.0.0.0" : host, port: port)
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

public enum BindAddressError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalid(String, String)

    public var description: String {
        switch self {
        case let .invalid(text, why): return "invalid bind address \"\(text)\": \(why)"
        }
    }
}
