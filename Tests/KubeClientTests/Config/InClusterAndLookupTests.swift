import Foundation
import Testing
@testable import KubeClient

/// In-cluster configuration from a service-account layout, and controller-runtime's lookup order.
@Suite struct InClusterAndLookupTests {
    static let kubeconfig = """
        clusters: [{name: c, cluster: {server: "https://from-file.example"}}]
        users: [{name: u, user: {token: file-token}}]
        contexts: [{name: x, context: {cluster: c, user: u}}]
        current-context: x
        """

    /// A service-account directory like the kubelet mounts.
    static func serviceAccount(_ dir: TemporaryDirectory, namespace: String? = "modelops-system") throws -> String {
        try dir.write("sa/token", "sa-token-1\n")
        try dir.write("sa/ca.crt", "CLUSTER CA")
        if let namespace { try dir.write("sa/namespace", namespace) }
        return dir.path + "/sa"
    }

    @Test(arguments: [
        ("10.96.0.1", "443", "https://10.96.0.1:443"),
        ("fd00:10:96::1", "6443", "https://[fd00:10:96::1]:6443"),
        ("kubernetes.default.svc", "443", "https://kubernetes.default.svc:443"),
    ])
    func inClusterFromServiceAccountFiles(host: String, port: String, server: String) throws {
        let dir = try TemporaryDirectory()
        let root = try Self.serviceAccount(dir)
        let config = try ConfigLoader.inCluster(
            environment: ["KUBERNETES_SERVICE_HOST": host, "KUBERNETES_SERVICE_PORT": port], root: root)
        #expect(config.server == server)
        #expect(config.tls.caPEM == Array("CLUSTER CA".utf8))
        #expect(config.namespace == "modelops-system")
        #expect(config.credentials == .tokenFile(path: root + "/token", reread: .seconds(60)))
        #expect(config.source == "in-cluster")
    }

    @Test func inClusterNamespaceFallbacks() throws {
        let dir = try TemporaryDirectory()
        let root = try Self.serviceAccount(dir, namespace: nil)
        let env = ["KUBERNETES_SERVICE_HOST": "10.0.0.1", "KUBERNETES_SERVICE_PORT": "443"]
        #expect(try ConfigLoader.inCluster(environment: env, root: root).namespace == "default")
        var withPod = env
        withPod["POD_NAMESPACE"] = "from-downward-api"
        try dir.write("sa/namespace", "from-file\n")
        #expect(try ConfigLoader.inCluster(environment: withPod, root: root).namespace == "from-downward-api")
        #expect(try ConfigLoader.inCluster(environment: env, root: root).namespace == "from-file")
    }

    @Test func inClusterErrors() throws {
        let dir = try TemporaryDirectory()
        let notInCluster = #expect(throws: ConfigError.self) {
            try ConfigLoader.inCluster(environment: ["KUBERNETES_SERVICE_HOST": "10.0.0.1"], root: dir.path)
        }
        #expect(notInCluster?.message
            == "unable to load in-cluster configuration, KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be defined")
        let noToken = #expect(throws: ConfigError.self) {
            try ConfigLoader.inCluster(environment: ["KUBERNETES_SERVICE_HOST": "h", "KUBERNETES_SERVICE_PORT": "1"], root: dir.path)
        }
        #expect(noToken?.file == dir.path + "/token")
    }

    enum Expected: Sendable { case explicitFile, kubeconfigVariable, inCluster, home, error }

    struct Lookup: CustomTestStringConvertible, Sendable {
        var name: String
        var explicit = false
        var variable = false
        var inCluster = false
        var home = false
        var expected: Expected
        var testDescription: String { name }
    }

    @Test(arguments: [
        Lookup(name: "flag beats everything", explicit: true, variable: true, inCluster: true, home: true, expected: .explicitFile),
        Lookup(name: "KUBECONFIG beats in-cluster", variable: true, inCluster: true, home: true, expected: .kubeconfigVariable),
        Lookup(name: "in-cluster beats ~/.kube/config", inCluster: true, home: true, expected: .inCluster),
        Lookup(name: "~/.kube/config last", home: true, expected: .home),
        Lookup(name: "nothing", expected: .error),
    ])
    func lookupOrderIsControllerRuntimes(_ lookup: Lookup) throws {
        let dir = try TemporaryDirectory()
        let root = try Self.serviceAccount(dir)
        let explicit = try dir.write("explicit", Self.kubeconfig)
        let fromVariable = try dir.write("variable", Self.kubeconfig)
        let homeDir = dir.path + "/home"
        let home = try dir.write("home/.kube/config", Self.kubeconfig)
        if !lookup.home { try FileManager.default.removeItem(atPath: home) }
        var env: [String: String] = [:]
        if lookup.variable { env["KUBECONFIG"] = fromVariable }
        if lookup.inCluster {
            env["KUBERNETES_SERVICE_HOST"] = "10.0.0.1"
            env["KUBERNETES_SERVICE_PORT"] = "443"
        }
        let load = {
            try ConfigLoader.load(kubeconfig: lookup.explicit ? explicit : nil, environment: env,
                                  inClusterRoot: root, home: homeDir)
        }
        switch lookup.expected {
        case .explicitFile: #expect(try load().source == explicit)
        case .kubeconfigVariable: #expect(try load().source == fromVariable)
        case .inCluster: #expect(try load().source == "in-cluster")
        case .home: #expect(try load().source == home)
        case .error:
            let error = #expect(throws: ConfigError.self) { try load() }
            #expect(error?.message.contains("no configuration has been provided") == true)
            #expect(error?.message.contains(home) == true)
        }
    }

    @Test func kubeconfigVariableWithOnlyMissingFilesDoesNotFallBack() throws {
        let dir = try TemporaryDirectory()
        try dir.write("home/.kube/config", Self.kubeconfig)
        let error = #expect(throws: ConfigError.self) {
            try ConfigLoader.load(environment: ["KUBECONFIG": dir.path + "/missing"], home: dir.path + "/home")
        }
        #expect(error?.message.contains(dir.path + "/missing") == true)
    }
}
