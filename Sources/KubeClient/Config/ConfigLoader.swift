import Foundation

/// Finds and loads the client configuration the way controller-runtime's `config.GetConfig`
/// does, with client-go's clientcmd rules for the kubeconfig files themselves.
public enum ConfigLoader {
    /// The environment variable holding a list of kubeconfig files (`:`-separated).
    public static let kubeconfigVariable = "KUBECONFIG"

    /// Loads the configuration in controller-runtime's order:
    /// 1. `kubeconfig` (the `--kubeconfig` flag): only that file, which must exist;
    /// 2. `$KUBECONFIG` when set: its files merged (missing ones skipped);
    /// 3. otherwise in-cluster, when `KUBERNETES_SERVICE_HOST`/`PORT` are set;
    /// 4. otherwise `~/.kube/config`.
    ///
    /// `context` (the `--context` flag) replaces the kubeconfig's `current-context`; it does not
    /// apply in-cluster. `home` defaults to `$HOME`.
    public static func load(kubeconfig: String? = nil, context: String? = nil,
                            environment: [String: String] = ProcessInfo.processInfo.environment,
                            inClusterRoot: String = InCluster.serviceAccountRoot,
                            home: String? = nil) throws(ConfigError) -> ClientConfiguration {
        if let kubeconfig, !kubeconfig.isEmpty {
            return try configuration(from: loadFiles([kubeconfig], explicit: true), context: context)
        }
        let list = environment[kubeconfigVariable] ?? ""
        if list.isEmpty {
            if let inCluster = try? inCluster(environment: environment, root: inClusterRoot) {
                return inCluster
            }
        }
        let files: [String]
        if !list.isEmpty {
            files = splitList(list)
        } else if let home = home ?? environment["HOME"], !home.isEmpty {
            files = [home + "/.kube/config"]
        } else {
            files = []
        }
        let merged = try loadFiles(files, explicit: false)
        if merged.isEmpty {
            let looked = files.isEmpty ? "no HOME to find ~/.kube/config in" : "looked in \(files.joined(separator: ", "))"
            let inCluster = list.isEmpty ? "not running in a cluster (KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT unset); " : ""
            throw ConfigError(message: "invalid configuration: no configuration has been provided: \(inCluster)\(looked)")
        }
        return try configuration(from: merged, context: context)
    }

    /// Loads and merges kubeconfig files, as client-go's `ClientConfigLoadingRules.Load`:
    /// an explicit file must exist; missing files of a list are skipped; a file that cannot be
    /// read or parsed is an error naming it.
    static func loadFiles(_ paths: [String], explicit: Bool) throws(ConfigError) -> Kubeconfig {
        var configs: [Kubeconfig] = []
        for path in paths where !path.isEmpty {
            let bytes: [UInt8]
            do {
                bytes = try FileAccess.read(path)
            } catch {
                if error.isMissing && !explicit { continue }
                throw ConfigError(file: path, message: "error loading config file: \(error.message)")
            }
            guard let text = String(validating: bytes, as: UTF8.self) else {
                throw ConfigError(file: path, message: "error loading config file: not UTF-8 text")
            }
            configs.append(try Kubeconfig(parsing: text, path: path))
        }
        return Kubeconfig.merge(configs)
    }

    /// `filepath.SplitList` followed by client-go's de-duplication (first occurrence kept).
    static func splitList(_ list: String) -> [String] {
        var seen: Set<String> = []
        var out: [String] = []
        for part in list.split(separator: ":", omittingEmptySubsequences: true) {
            let path = String(part)
            if seen.insert(path).inserted { out.append(path) }
        }
        return out
    }
}
