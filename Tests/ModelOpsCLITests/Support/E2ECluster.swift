import Foundation
import KubeClient
import KubeCore
import KubeTestServerCore
import Testing
import TestSupport

/// Where the end-to-end suites run, like controller-runtime envtest's `USE_EXISTING_CLUSTER`:
/// with `MODELOPS_E2E_KUBECONFIG` set (and optionally `MODELOPS_E2E_CONTEXT`), the cluster that
/// kubeconfig reaches; unset, an API test server started for the suite, with RBAC enforced and
/// the workload simulator playing kubelet and the built-in controllers.
///
/// Both are set up the same way, through the API only, as a user installs ModelOps:
/// `kubectl apply -k manifests/`; the operator Deployment scaled to 0 (the suites run the
/// operator themselves, and an in-cluster replica would compete for the leader Lease with an
/// image the cluster may not have); a token for the ServiceAccount `modelops` from the
/// TokenRequest API; and a kubeconfig with that token, so the operator runs with exactly the
/// permissions manifests/ grants it.
final class E2ECluster: Sendable {
    enum Backend: Sendable {
        case testServer(TestCluster)
        case existing
    }

    static let kubeconfigVariable = "MODELOPS_E2E_KUBECONFIG"
    static let contextVariable = "MODELOPS_E2E_CONTEXT"
    static let operatorNamespace = CLICluster.operatorNamespace
    static let serviceAccount = "modelops"

    let backend: Backend
    /// The admin's kubeconfig and context (nil: the kubeconfig's current context).
    let kubeconfig: String
    let context: String?
    /// The operator's kubeconfig: the ServiceAccount's token, the admin context's cluster.
    let operatorKubeconfig: String
    /// A client with the admin's credentials, for the scenarios' reads and writes.
    let client: KubeClient
    let dir: URL

    var isTestServer: Bool {
        if case .testServer = backend { return true }
        return false
    }

    /// "the API test server" or "the cluster of <kubeconfig>", for messages.
    var name: String {
        switch backend {
        case .testServer: "the API test server"
        case .existing: "the cluster of \(kubeconfig)\(context.map { " (context \($0))" } ?? "")"
        }
    }

    private init(backend: Backend, kubeconfig: String, context: String?, operatorKubeconfig: String, client: KubeClient, dir: URL) {
        self.backend = backend
        self.kubeconfig = kubeconfig
        self.context = context
        self.operatorKubeconfig = operatorKubeconfig
        self.client = client
        self.dir = dir
    }

    /// The backend the environment asks for, with manifests/ installed and the operator's
    /// kubeconfig written.
    static func start(environment: [String: String] = ProcessInfo.processInfo.environment) async throws -> E2ECluster {
        let dir = try Repository.temporaryDirectory()
        let backend: Backend
        let kubeconfig: String
        var context: String?
        if let path = environment[kubeconfigVariable], !path.isEmpty {
            backend = .existing
            kubeconfig = path
            context = environment[contextVariable].flatMap { $0.isEmpty ? nil : $0 }
        } else {
            let cluster = try await TestCluster.start(rbac: true, simulator: WorkloadSimulator.Options())
            backend = .testServer(cluster)
            kubeconfig = cluster.kubeconfig
        }
        let client: KubeClient
        do {
            client = try KubeClient(configuration: ConfigLoader.load(kubeconfig: kubeconfig, context: context, environment: [:]))
        } catch {
            if case let .testServer(server) = backend { await server.stop() }
            throw error
        }
        let cluster = E2ECluster(backend: backend, kubeconfig: kubeconfig, context: context,
                                 operatorKubeconfig: dir.appendingPathComponent("operator.kubeconfig").path, client: client, dir: dir)
        do {
            try await cluster.install()
        } catch {
            await cluster.stop()
            throw error
        }
        return cluster
    }

    func stop() async {
        client.shutdown()
        if case let .testServer(cluster) = backend { await cluster.stop() }
        try? FileManager.default.removeItem(at: dir)
    }

    /// `kubectl apply -k manifests/`, the in-cluster operator scaled to 0, the CRDs established,
    /// and the operator's kubeconfig with a token from a TokenRequest.
    private func install() async throws {
        try await kubectlOK("apply", "-k", Repository.path("manifests"))
        try await kubectlOK("-n", Self.operatorNamespace, "scale", "deployment", "modelops-operator", "--replicas=0")
        try await kubectlOK("wait", "--for=condition=Established", "--timeout=60s",
                            "crd/modeldeployments.modelops.io", "crd/trainingjobs.modelops.io", "crd/retrainpolicies.modelops.io")
        try await writeOperatorKubeconfig(token: try await requestToken())
    }

    /// A two-hour token for the ServiceAccount from the TokenRequest API, what `kubectl create
    /// token` calls. `kubectl create token` sends the TokenRequest as protobuf, which the test
    /// server cannot decode yet; `kubectl create --raw` posts the same request as JSON, and
    /// works the same on both backends.
    private func requestToken() async throws -> String {
        let path = "/api/v1/namespaces/\(Self.operatorNamespace)/serviceaccounts/\(Self.serviceAccount)/token"
        let request: JSON = ["apiVersion": "authentication.k8s.io/v1", "kind": "TokenRequest", "spec": ["expirationSeconds": 7200]]
        let answer = try JSON.parse(try await kubectlOK("create", "--raw", path, "-f", "-", stdin: request.serializedString()))
        return try #require(answer[path: ["status", "token"]]?.stringValue, "a token in the TokenRequest's status: \(answer)")
    }

    /// The admin context's cluster (server, CA, TLS server name), flattened by kubectl, with the
    /// ServiceAccount's token as the only credential.
    private func writeOperatorKubeconfig(token: String) async throws {
        let view = try JSON.parse(try await kubectlOK("config", "view", "--minify", "--raw", "--flatten", "-o", "json"))
        let cluster = try #require(view["clusters"]?[0]?["cluster"], "the admin kubeconfig's cluster: \(view)")
        let config: JSON = [
            "apiVersion": "v1", "kind": "Config",
            "clusters": [["name": "e2e", "cluster": cluster]],
            "users": [["name": "modelops", "user": ["token": .string(token)]]],
            "contexts": [["name": "modelops", "context": ["cluster": "e2e", "user": "modelops",
                                                          "namespace": .string(Self.operatorNamespace)]]],
            "current-context": "modelops",
        ]
        try Data(config.serialized()).write(to: URL(fileURLWithPath: operatorKubeconfig))
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: operatorKubeconfig)
    }

    // MARK: kubectl as the admin

    /// kubectl's own arguments for the admin: kubeconfig, context, a private cache.
    var kubectlArguments: [String] {
        ["--kubeconfig", kubeconfig] + (context.map { ["--context", $0] } ?? [])
            + ["--cache-dir", dir.appendingPathComponent("kubectl-cache").path]
    }

    func kubectl(_ arguments: [String], stdin: String? = nil) async throws -> CommandResult {
        try await Command.run(TestCluster.kubectlPath, kubectlArguments + arguments, stdin: stdin)
    }

    /// Runs kubectl and throws unless it exits 0; returns its standard output.
    @discardableResult
    func kubectlOK(_ arguments: String..., stdin: String? = nil) async throws -> String {
        let result = try await kubectl(arguments, stdin: stdin)
        guard result.status == 0 else { throw CommandFailed(command: "kubectl " + arguments.joined(separator: " "), result: result) }
        return result.stdout
    }

    /// `modelops <arguments>` (a user action) as the admin, to completion.
    func modelops(_ arguments: [String]) async throws -> CommandResult {
        let binary = try #require(Repository.binary, "modelops binary not built next to the tests")
        return try await Command.run(binary, arguments + ["--kubeconfig", kubeconfig] + (context.map { ["--context", $0] } ?? []),
                                     environment: ["KUBECONFIG": "/nonexistent/kubeconfig-from-the-environment"])
    }
}
