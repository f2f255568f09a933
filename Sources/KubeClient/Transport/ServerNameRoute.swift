/// Verifying the server certificate against a name other than the URL's host (kubeconfig
/// `tls-server-name`), done with libcurl's CURLOPT_CONNECT_TO.
///
/// libcurl takes both the SNI name and the name it verifies from the URL's host; there is no
/// option to set them apart. So the URL is rewritten to carry `serverName`, and CONNECT_TO sends
/// the TCP connection to the original host and port. (CURLOPT_RESOLVE would need an IP address,
/// so a host-name URL would need our own DNS lookup; CONNECT_TO takes names and also works
/// through a proxy.) A `Host` header keeps the original authority, as Go's client does. libcurl
/// keys pooled connections by the URL host *and* the connect-to target, so two servers sharing a
/// serverName never share a connection.
struct ServerNameRoute: Sendable, Equatable {
    /// The URL libcurl is given.
    var url: String
    /// `serverName:port:host:port` for CURLOPT_CONNECT_TO.
    var connectTo: String
    /// The original `host[:port]`, sent as the Host header / `:authority`.
    var hostHeader: String

    /// nil when `url` is not an absolute http(s) URL; the request then goes out unchanged and
    /// libcurl reports the malformed URL.
    init?(url: String, serverName: String) {
        guard let colon = url.firstIndex(of: ":"), url[colon...].hasPrefix("://") else { return nil }
        let scheme = url[..<colon].lowercased()
        guard scheme == "https" || scheme == "http" else { return nil }
        let afterScheme: Substring = url[colon...].dropFirst(3)
        let authorityEnd: String.Index = afterScheme.firstIndex { (c: Character) in c == "/" || c == "?" || c == "#" }
            ?? afterScheme.endIndex
        var authority = afterScheme[..<authorityEnd]
        let rest = afterScheme[authorityEnd...]
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        let host: Substring
        var port: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return nil }
            host = authority[...close]
            let after = authority[authority.index(after: close)...]
            if after.hasPrefix(":") { port = after.dropFirst() }
        } else if let colon = authority.lastIndex(of: ":") {
            host = authority[..<colon]
            port = authority[authority.index(after: colon)...]
        } else {
            host = authority
        }
        guard !host.isEmpty else { return nil }
        let effectivePort = port.flatMap { Int($0) } ?? (scheme == "https" ? 443 : 80)
        let nameInURL = serverName.contains(":") ? "[\(serverName)]" : serverName
        self.url = "\(scheme)://\(nameInURL):\(effectivePort)\(rest)"
        self.connectTo = "\(nameInURL):\(effectivePort):\(host):\(effectivePort)"
        self.hostHeader = String(authority)
    }
}
