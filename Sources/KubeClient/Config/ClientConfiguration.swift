/// Everything a client needs to reach one API server as one identity, resolved from a
/// kubeconfig context or from the pod's service account.
public struct ClientConfiguration: Sendable {
    /// `https://host:port`, possibly with a path prefix (e.g. behind a proxying dashboard);
    /// no trailing slash.
    public var server: String
    public var tls: TLSOptions
    /// `proxy-url` of the cluster (http, https or socks5).
    public var proxyURL: String?
    /// The context's namespace, or the pod's, or "default".
    public var namespace: String
    public var credentials: Credentials
    /// Where this came from: the kubeconfig file(s) (joined with ":" when merged) or "in-cluster".
    public var source: String
    /// The kubeconfig context used; nil in-cluster.
    public var context: String?

    public init(server: String, tls: TLSOptions = TLSOptions(), proxyURL: String? = nil, namespace: String = "default",
                credentials: Credentials = .none, source: String, context: String? = nil) {
        self.server = server
        self.tls = tls
        self.proxyURL = proxyURL
        self.namespace = namespace
        self.credentials = credentials
        self.source = source
        self.context = context
    }
}
