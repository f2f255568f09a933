import Foundation

extension ConfigLoader {
    /// The pod's own service account, as client-go's `rest.InClusterConfig` and
    /// `inClusterClientConfig.Namespace` read it:
    /// - server `https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT` (IPv6 in brackets);
    /// - bearer token from `<root>/token`, re-read every 60 s (the kubelet rotates projected
    ///   tokens); it must be readable now;
    /// - CA from `<root>/ca.crt` — like client-go, an unreadable CA falls back to the system
    ///   trust store rather than failing;
    /// - namespace from `$POD_NAMESPACE`, else `<root>/namespace`, else "default".
    public static func inCluster(environment: [String: String] = ProcessInfo.processInfo.environment,
                                 root: String = InCluster.serviceAccountRoot) throws(ConfigError) -> ClientConfiguration {
        let host = environment["KUBERNETES_SERVICE_HOST"] ?? ""
        let port = environment["KUBERNETES_SERVICE_PORT"] ?? ""
        guard !host.isEmpty, !port.isEmpty else {
            throw ConfigError(message: "unable to load in-cluster configuration, KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be defined")
        }
        let tokenPath = root + "/token"
        do {
            _ = try FileAccess.read(tokenPath)
        } catch {
            throw ConfigError(file: tokenPath, message: "unable to read the service account token: \(error.message)")
        }
        let caPEM = try? FileAccess.read(root + "/ca.crt")
        var namespace = environment["POD_NAMESPACE"] ?? ""
        if namespace.isEmpty, let bytes = try? FileAccess.read(root + "/namespace") {
            namespace = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        // net.JoinHostPort: a host containing a colon is an IPv6 literal and gets brackets.
        let joinedHost = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        return ClientConfiguration(
            server: "https://\(joinedHost):\(port)",
            tls: TLSOptions(caPEM: caPEM?.isEmpty == false ? caPEM : nil),
            namespace: namespace.isEmpty ? "default" : namespace,
            credentials: .tokenFile(path: tokenPath, reread: InCluster.tokenRereadInterval),
            source: "in-cluster")
    }
}
