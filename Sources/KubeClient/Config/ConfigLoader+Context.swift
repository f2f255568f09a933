import Foundation
import KubeCore

extension ConfigLoader {
    /// Turns a loaded kubeconfig and a context name into a configuration, checking the parts
    /// the context uses as clientcmd's `ConfirmUsable` does (messages in client-go's words),
    /// then reading certificate and token files the way `DirectClientConfig.ClientConfig` does.
    static func configuration(from config: Kubeconfig, context override: String?) throws(ConfigError) -> ClientConfiguration {
        let source = config.files.joined(separator: ":")
        let sourceFile: String? = source.isEmpty ? nil : source
        if config.isEmpty {
            throw ConfigError(file: sourceFile, message: "invalid configuration: no configuration has been provided")
        }
        guard let contextName = override.flatMap({ $0.isEmpty ? nil : $0 }) ?? config.currentContext else {
            throw ConfigError(file: sourceFile, field: "current-context", message: "invalid configuration: no context chosen")
        }
        guard let context = config.contexts[contextName] else {
            throw ConfigError(file: sourceFile, context: contextName, field: override == nil ? "current-context" : nil,
                              message: "context was not found for specified context: \(contextName)")
        }
        func contextError(_ field: String, _ message: String) -> ConfigError {
            ConfigError(file: context.origin, context: contextName, field: "\(context.path).\(field)", message: message)
        }
        guard let userName = context.user else {
            throw contextError("user", "user was not specified for context \"\(contextName)\"")
        }
        guard let user = config.users[userName] else {
            throw contextError("user", "user \"\(userName)\" was not found for context \"\(contextName)\"")
        }
        guard let clusterName = context.cluster else {
            throw contextError("cluster", "cluster was not specified for context \"\(contextName)\"")
        }
        guard let cluster = config.clusters[clusterName] else {
            throw contextError("cluster", "cluster \"\(clusterName)\" was not found for context \"\(contextName)\"")
        }
        if let namespace = context.namespace, !isDNS1123Label(namespace) {
            throw contextError("namespace", "namespace \"\(namespace)\" for context \"\(contextName)\" does not conform to the kubernetes DNS_LABEL rules")
        }
        do {
            var tls = try clusterTLS(cluster, name: clusterName)
            let (credentials, certificate, key) = try userCredentials(user, name: userName, cluster: cluster, tls: tls)
            tls.clientCertificatePEM = certificate
            tls.clientKeyPEM = key
            return ClientConfiguration(
                server: try serverURL(cluster, name: clusterName, tls: tls),
                tls: tls,
                proxyURL: cluster.proxyURL,
                namespace: context.namespace ?? "default",
                credentials: credentials,
                source: source,
                context: contextName)
        } catch {
            throw error.inContext(contextName)
        }
    }

    /// validateClusterInfo plus the CA file read of the TLS transport.
    private static func clusterTLS(_ cluster: KubeconfigCluster, name: String) throws(ConfigError) -> TLSOptions {
        func fail(_ field: String, _ message: String) -> ConfigError {
            ConfigError(file: cluster.origin, field: "\(cluster.path).\(field)", message: message)
        }
        if let proxy = cluster.proxyURL {
            let scheme = proxy.split(separator: ":", maxSplits: 1).first.map(String.init) ?? ""
            guard proxy.contains("://"), ["http", "https", "socks5"].contains(scheme), URL(string: proxy)?.host != nil else {
                throw fail("proxy-url", "invalid 'proxy-url' \"\(proxy)\" for cluster \"\(name)\": unsupported scheme \"\(scheme)\", must be http, https, or socks5")
            }
        }
        if cluster.certificateAuthority != nil && cluster.certificateAuthorityData != nil {
            throw fail("certificate-authority", "certificate-authority-data and certificate-authority are both specified for \(name). certificate-authority-data will override.")
        }
        var ca = cluster.certificateAuthorityData
        if let path = cluster.certificateAuthority {
            do {
                ca = try FileAccess.read(path)
            } catch {
                throw fail("certificate-authority", "unable to read certificate-authority \(path) for \(name) due to \(error.message)")
            }
        }
        if ca != nil && cluster.insecureSkipTLSVerify {
            throw fail("insecure-skip-tls-verify", "specifying a root certificates file with the insecure flag is not allowed")
        }
        return TLSOptions(caPEM: ca, insecureSkipVerify: cluster.insecureSkipTLSVerify, serverName: cluster.tlsServerName)
    }

    /// `rest.DefaultServerURL`: a server without a scheme gets https when any TLS setting is
    /// present, else http. A trailing slash is dropped so paths can be appended.
    private static func serverURL(_ cluster: KubeconfigCluster, name: String, tls: TLSOptions) throws(ConfigError) -> String {
        guard var server = cluster.server else {
            throw ConfigError(file: cluster.origin, field: "\(cluster.path).server", message: "no server found for cluster \"\(name)\"")
        }
        if !server.contains("://") {
            let secure = tls.caPEM != nil || tls.insecureSkipVerify || tls.clientCertificatePEM != nil
            server = (secure ? "https://" : "http://") + server
        }
        while server.hasSuffix("/") { server.removeLast() }
        guard let url = URL(string: server), let scheme = url.scheme, ["http", "https"].contains(scheme), url.host != nil else {
            throw ConfigError(file: cluster.origin, field: "\(cluster.path).server", message: "invalid server URL \"\(server)\" for cluster \"\(name)\"")
        }
        return server
    }

    /// validateAuthInfo, then the credentials client-go would use: a client certificate (TLS),
    /// a token or token file, basic auth, or — only when none of those is set, as client-go's
    /// exec authenticator steps aside for them — the exec plugin.
    private static func userCredentials(_ user: KubeconfigUser, name: String, cluster: KubeconfigCluster, tls: TLSOptions)
        throws(ConfigError) -> (Credentials, [UInt8]?, [UInt8]?) {
        func fail(_ field: String, _ message: String) -> ConfigError {
            ConfigError(file: user.origin, field: "\(user.path).\(field)", message: message)
        }
        if user.token != nil && (user.username != nil || user.password != nil) {
            throw fail("token", "more than one authentication method found for \(name); found [token basicAuth], only one is allowed")
        }
        if user.impersonate != nil {
            throw fail("as", "impersonation (as) is not supported by this client")
        }
        // Certificate and key: data or file, never both; a key with every certificate.
        var certificate = user.clientCertificateData
        var key = user.clientKeyData
        if user.clientCertificate != nil || user.clientCertificateData != nil {
            if user.clientCertificate != nil && user.clientCertificateData != nil {
                throw fail("client-certificate", "client-cert-data and client-cert are both specified for \(name). client-cert-data will override.")
            }
            if user.clientKey != nil && user.clientKeyData != nil {
                throw fail("client-key", "client-key-data and client-key are both specified for \(name); client-key-data will override")
            }
            if user.clientKey == nil && user.clientKeyData == nil {
                throw fail("client-key", "client-key-data or client-key must be specified for \(name) to use the clientCert authentication method.")
            }
            if let path = user.clientCertificate {
                do { certificate = try FileAccess.read(path) } catch {
                    throw fail("client-certificate", "unable to read client-cert \(path) for \(name) due to \(error.message)")
                }
            }
            if let path = user.clientKey {
                do { key = try FileAccess.read(path) } catch {
                    throw fail("client-key", "unable to read client-key \(path) for \(name) due to \(error.message)")
                }
            }
        } else {
            // client-go ignores a key without a certificate.
            key = nil
        }

        if let exec = user.exec {
            if user.hasAuthProvider {
                throw fail("auth-provider", "authProvider cannot be provided in combination with an exec plugin for \(name)")
            }
            try validate(exec, user: user, name: name, fail: fail)
        } else if user.hasAuthProvider {
            let provider = user.authProviderName ?? ""
            throw fail("auth-provider", "auth-provider \"\(provider)\" is not supported; configure a client-go credential plugin (users[].user.exec) instead")
        }

        let credentials: Credentials
        // client-go reads a token file eagerly (it must be readable) and then keeps re-reading
        // it; with a static token beside it the file still wins while readable, and the token
        // is the fallback, so an unreadable file is only an error without one.
        var tokenFileReadable = false
        if let path = user.tokenFile {
            do {
                _ = try FileAccess.read(path)
                tokenFileReadable = true
            } catch where user.token == nil {
                throw fail("tokenFile", "unable to read tokenFile \(path) for \(name) due to \(error.message)")
            } catch {}
        }
        if let path = user.tokenFile, tokenFileReadable {
            credentials = .tokenFile(path: path, reread: InCluster.tokenRereadInterval)
        } else if let token = user.token {
            credentials = .token(token)
        } else if user.username != nil || user.password != nil {
            credentials = .basic(username: user.username ?? "", password: user.password ?? "")
        } else if let exec = user.exec, certificate == nil {
            credentials = .exec(ExecConfig(
                command: exec.command ?? "", args: exec.args,
                env: exec.env.map { ExecEnvVar(name: $0.name, value: $0.value) },
                apiVersion: exec.apiVersion ?? "", installHint: exec.installHint,
                provideClusterInfo: exec.provideClusterInfo, interactiveMode: exec.interactiveMode ?? "",
                cluster: exec.provideClusterInfo ? execClusterInfo(cluster, tls: tls) : nil,
                file: user.origin, user: name))
        } else {
            credentials = .none
        }
        return (credentials, certificate, key)
    }

    private static func validate(_ exec: KubeconfigUser.Exec, user: KubeconfigUser, name: String,
                                 fail: (String, String) -> ConfigError) throws(ConfigError) {
        if exec.command == nil {
            throw fail("exec.command", "command must be specified for \(name) to use exec authentication plugin")
        }
        guard let apiVersion = exec.apiVersion else {
            throw fail("exec.apiVersion", "apiVersion must be specified for \(name) to use exec authentication plugin")
        }
        guard ExecPlugin.supportedVersions.contains(apiVersion) else {
            throw fail("exec.apiVersion", "exec plugin: invalid apiVersion \"\(apiVersion)\"; supported: \(ExecPlugin.supportedVersions.joined(separator: ", "))")
        }
        for (index, variable) in exec.env.enumerated() where variable.name.isEmpty {
            throw fail("exec.env[\(index)].name", "env variable name must be specified for \(name) to use exec authentication plugin")
        }
        switch exec.interactiveMode {
        case nil:
            throw fail("exec.interactiveMode", "interactiveMode must be specified for \(name) to use exec authentication plugin")
        case "Never"?, "IfAvailable"?, "Always"?:
            break
        case let other?:
            throw fail("exec.interactiveMode", "invalid interactiveMode for \(name): \"\(other)\"")
        }
    }

    /// client-go's `ConfigToExecCluster`: what a plugin with `provideClusterInfo` gets as
    /// `spec.cluster` (Go field names, empty fields omitted).
    private static func execClusterInfo(_ cluster: KubeconfigCluster, tls: TLSOptions) -> JSON {
        var info: [String: JSON] = ["server": .string(cluster.server ?? "")]
        if let name = cluster.tlsServerName { info["tls-server-name"] = .string(name) }
        if cluster.insecureSkipTLSVerify { info["insecure-skip-tls-verify"] = true }
        if let ca = tls.caPEM { info["certificate-authority-data"] = .string(Data(ca).base64EncodedString()) }
        if let proxy = cluster.proxyURL { info["proxy-url"] = .string(proxy) }
        if cluster.disableCompression { info["disable-compression"] = true }
        if let config = cluster.execExtension { info["config"] = config }
        return .object(info)
    }

    /// RFC 1123 label: lower-case alphanumerics and '-', starting and ending alphanumeric, ≤ 63.
    static func isDNS1123Label(_ value: String) -> Bool {
        let bytes = Array(value.utf8)
        guard !bytes.isEmpty, bytes.count <= 63 else { return false }
        func alnum(_ b: UInt8) -> Bool { (97...122).contains(b) || (48...57).contains(b) }
        guard let first = bytes.first, let last = bytes.last, alnum(first), alnum(last) else { return false }
        return bytes.allSatisfy { alnum($0) || $0 == 45 }
    }
}
