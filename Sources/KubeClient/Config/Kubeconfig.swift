import KubeCore

/// A kubeconfig as client-go holds it after loading: clusters, users and contexts by name, and
/// the current context. One file parses into one; several merge into one by clientcmd's rules.
struct Kubeconfig: Sendable {
    var clusters: [String: KubeconfigCluster] = [:]
    var users: [String: KubeconfigUser] = [:]
    var contexts: [String: KubeconfigContext] = [:]
    var currentContext: String?
    /// The files that were read, in order (for `ClientConfiguration.source` and messages).
    var files: [String] = []

    var isEmpty: Bool {
        clusters.isEmpty && users.isEmpty && contexts.isEmpty && currentContext == nil
    }

    /// Parses the text of the file at `path`. An empty file is an empty config, as client-go's
    /// `clientcmd.Load` treats it. Relative file references resolve against `path`'s directory.
    init(parsing text: String, path: String) throws(ConfigError) {
        let document: JSON
        do {
            document = try JSON.parseYAML(text)
        } catch {
            throw ConfigError(file: path, message: "error loading config file: \(error.message)")
        }
        files = [path]
        let root: [String: JSON]
        switch document {
        case .null: return
        case let .object(object): root = object
        default:
            throw ConfigError(file: path, message: "error loading config file: expected a mapping (kind: Config), got \(document.typeName)")
        }
        let fields = KubeconfigFields(root, path: "", file: path)
        if let kind = try fields.string("kind"), kind != "Config" {
            throw fields.error("kind", "expected kind Config, got \"\(kind)\"")
        }
        for (name, entry) in try fields.namedList("clusters", entry: "cluster") {
            clusters[name] = try KubeconfigCluster(entry)
        }
        for (name, entry) in try fields.namedList("users", entry: "user") {
            users[name] = try KubeconfigUser(entry)
        }
        for (name, entry) in try fields.namedList("contexts", entry: "context") {
            contexts[name] = try KubeconfigContext(entry)
        }
        currentContext = try fields.string("current-context")
    }

    init() {}

    /// clientcmd `ClientConfigLoadingRules.Load`: "The first file to set a particular map key
    /// wins and map key's value is never changed" — a cluster, user or context named in two
    /// files comes whole from the first, even fields only the second sets — and the first
    /// non-empty `current-context` wins.
    static func merge(_ configs: [Kubeconfig]) -> Kubeconfig {
        var merged = Kubeconfig()
        for config in configs {
            merged.clusters.merge(config.clusters) { first, _ in first }
            merged.users.merge(config.users) { first, _ in first }
            merged.contexts.merge(config.contexts) { first, _ in first }
            if merged.currentContext == nil { merged.currentContext = config.currentContext }
            merged.files += config.files
        }
        return merged
    }
}
