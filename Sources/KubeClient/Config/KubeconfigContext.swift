/// One `contexts[].context` entry: which cluster, which user, which namespace.
struct KubeconfigContext: Sendable {
    var origin: String
    var path: String
    var cluster: String?
    var user: String?
    var namespace: String?

    init(_ fields: KubeconfigFields) throws(ConfigError) {
        origin = fields.file
        path = fields.path
        cluster = try fields.string("cluster")
        user = try fields.string("user")
        namespace = try fields.string("namespace")
    }
}
