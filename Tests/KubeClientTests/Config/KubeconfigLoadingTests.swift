import Foundation
import Testing
@testable import KubeClient

/// Loading kubeconfig files: client-go clientcmd's merge rules, contexts, paths and data.
@Suite struct KubeconfigLoadingTests {
    static let fileA = """
        apiVersion: v1
        kind: Config
        clusters:
        - name: shared
          cluster:
            server: https://a.example:6443
        users:
        - name: alice
          user:
            token: token-from-a
        contexts:
        - name: ctx-a
          context: {cluster: shared, user: alice}
        """
    static let fileB = """
        apiVersion: v1
        kind: Config
        clusters:
        - name: shared
          cluster:
            server: https://b.example:6443
            tls-server-name: b.internal
        - name: only-b
          cluster:
            server: https://only-b.example
        users:
        - name: alice
          user:
            token: token-from-b
        contexts:
        - name: ctx-b
          context: {cluster: shared, user: alice, namespace: team-b}
        - name: ctx-only-b
          context: {cluster: only-b, user: alice}
        current-context: ctx-b
        """
    static let fileC = """
        current-context: ctx-a
        """

    @Test func kubeconfigListMergesByClientcmdRules() throws {
        let dir = try TemporaryDirectory()
        let a = try dir.write("a", Self.fileA)
        let b = try dir.write("b", Self.fileB)
        let c = try dir.write("c", Self.fileC)
        let list = [a, dir.path + "/missing", b, c, a].joined(separator: ":")
        let config = try ConfigLoader.load(environment: ["KUBECONFIG": list])
        // current-context: the first file that sets one (b), not a later one (c).
        #expect(config.context == "ctx-b")
        #expect(config.namespace == "team-b")
        // "shared" comes whole from the first file that has it: a's server, and b's
        // tls-server-name is discarded even though a does not set one.
        #expect(config.server == "https://a.example:6443")
        #expect(config.tls.serverName == nil)
        #expect(config.credentials == .token("token-from-a"))
        // Missing files are skipped; duplicates are read once.
        #expect(config.source == [a, b, c].joined(separator: ":"))
        // Entries only the second file has are still there.
        let onlyB = try ConfigLoader.load(context: "ctx-only-b", environment: ["KUBECONFIG": list])
        #expect(onlyB.server == "https://only-b.example")
    }

    @Test func contextFlagOverridesCurrentContextAndNamespaceDefaults() throws {
        let dir = try TemporaryDirectory()
        let b = try dir.write("b", Self.fileB)
        let current = try ConfigLoader.load(kubeconfig: b, environment: [:])
        #expect(current.context == "ctx-b")
        #expect(current.namespace == "team-b")
        #expect(current.tls.serverName == "b.internal")
        let other = try ConfigLoader.load(kubeconfig: b, context: "ctx-only-b", environment: [:])
        #expect(other.context == "ctx-only-b")
        #expect(other.namespace == "default")
        #expect(other.server == "https://only-b.example")
    }

    @Test func relativePathsResolveAgainstTheKubeconfigsDirectory() throws {
        let dir = try TemporaryDirectory()
        try dir.write("pki/ca.crt", "CA PEM")
        try dir.write("home/kube/certs/alice.crt", "CERT PEM")
        try dir.write("home/kube/certs/alice.key", "KEY PEM")
        try dir.write("home/kube/alice.token", "  secret-token\n")
        let keyPath = dir.path + "/home/kube/certs/alice.key"
        let path = try dir.write("home/kube/config", """
            clusters:
            - name: c
              cluster: {server: "https://k.example", certificate-authority: ../../pki/ca.crt}
            users:
            - name: alice
              user:
                client-certificate: certs/alice.crt
                client-key: \(keyPath)
                tokenFile: ./alice.token
            contexts:
            - name: x
              context: {cluster: c, user: alice}
            current-context: x
            """)
        // Loaded from another working directory, paths still resolve against the file's.
        let config = try ConfigLoader.load(kubeconfig: path, environment: [:])
        #expect(config.tls.caPEM == Array("CA PEM".utf8))
        #expect(config.tls.clientCertificatePEM == Array("CERT PEM".utf8))
        #expect(config.tls.clientKeyPEM == Array("KEY PEM".utf8))
        #expect(config.credentials == .tokenFile(path: dir.path + "/home/kube/alice.token", reread: .seconds(60)))
    }

    @Test func dataFieldsAreBase64AndClusterFieldsCarryOver() throws {
        let dir = try TemporaryDirectory()
        let wrapped = base64("-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n")
        let folded = String(wrapped.prefix(10)) + "\n" + String(wrapped.dropFirst(10))
        let path = try dir.write("config", """
            clusters:
            - name: c
              cluster:
                server: k.example:6443/
                certificate-authority-data: "\(folded.replacingOccurrences(of: "\n", with: "\\n"))"
                tls-server-name: kubernetes.default
                proxy-url: socks5://proxy.local:1080
            users:
            - name: u
              user:
                client-certificate-data: \(base64("CERT"))
                client-key-data: \(base64("KEY"))
            contexts:
            - {name: x, context: {cluster: c, user: u, namespace: ops}}
            current-context: x
            """)
        let config = try ConfigLoader.load(kubeconfig: path, environment: [:])
        #expect(config.tls == TLSOptions(caPEM: Array("-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n".utf8),
                                         clientCertificatePEM: Array("CERT".utf8), clientKeyPEM: Array("KEY".utf8),
                                         serverName: "kubernetes.default"))
        // No scheme + TLS settings: https (rest.DefaultServerURL); trailing slash dropped.
        #expect(config.server == "https://k.example:6443")
        #expect(config.proxyURL == "socks5://proxy.local:1080")
        #expect(config.credentials == .none)
        #expect(config.namespace == "ops")
    }

    /// What `TestAPIServer.kubeconfig(for: .admin)` and `(for: .adminToken)` produce (the shape,
    /// with stand-in PEM text): the client must load both as they are.
    @Test func loadsTheTestServersKubeconfigs() throws {
        let ca = "-----BEGIN CERTIFICATE-----\nMIIBkTCCATegAwIBAgIU\n-----END CERTIFICATE-----\n"
        let cert = "-----BEGIN CERTIFICATE-----\nMIIBfzCCASWgAwIBAgIU\n-----END CERTIFICATE-----\n"
        let key = "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIB\n-----END EC PRIVATE KEY-----\n"
        func kubeconfig(user: String, lines: [String]) -> String {
            ([
                "apiVersion: v1", "kind: Config", "clusters:", "- name: modelops-test", "  cluster:",
                "    server: https://127.0.0.1:40123", "    certificate-authority-data: \(base64(ca))",
                "users:", "- name: \(user)", "  user:",
            ] + lines + [
                "contexts:", "- name: modelops-test", "  context:", "    cluster: modelops-test", "    user: \(user)",
                "current-context: modelops-test",
            ]).joined(separator: "\n") + "\n"
        }
        let dir = try TemporaryDirectory()
        let admin = try dir.write("admin", kubeconfig(user: "kubernetes-admin", lines: [
            "    client-certificate-data: \(base64(cert))", "    client-key-data: \(base64(key))",
        ]))
        let token = try dir.write("token", kubeconfig(user: "kubernetes-admin-token", lines: ["    token: admin-0123456789abcdef"]))

        let adminConfig = try ConfigLoader.load(kubeconfig: admin, environment: [:])
        #expect(adminConfig.server == "https://127.0.0.1:40123")
        #expect(adminConfig.tls.caPEM == Array(ca.utf8))
        #expect(adminConfig.tls.clientCertificatePEM == Array(cert.utf8))
        #expect(adminConfig.tls.clientKeyPEM == Array(key.utf8))
        #expect(adminConfig.credentials == .none)
        #expect(adminConfig.namespace == "default")
        #expect(adminConfig.context == "modelops-test")

        let tokenConfig = try ConfigLoader.load(kubeconfig: token, environment: [:])
        #expect(tokenConfig.tls.clientCertificatePEM == nil)
        #expect(tokenConfig.credentials == .token("admin-0123456789abcdef"))
    }

    @Test func emptyFileInAListIsAnEmptyConfig() throws {
        let dir = try TemporaryDirectory()
        let empty = try dir.write("empty", "")
        let b = try dir.write("b", Self.fileB)
        let config = try ConfigLoader.load(environment: ["KUBECONFIG": "\(empty):\(b)"])
        #expect(config.context == "ctx-b")
    }
}
