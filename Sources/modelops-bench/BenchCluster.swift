import ArgumentParser
import Foundation
import KubeClient
import KubeCore
import KubeTestServer
import KubeTestServerCore
import ModelOpsAPI
import ModelOpsControllers
import ModelOpsCRDs
import ModelOpsTesting
import Synchronization

/// Where a scenario runs: the in-process API test server (CRDs installed, simulator on when the
/// scenario needs Deployments to become available or Jobs to run, an `AdvancingClock` shared with the
/// operator), or a real cluster from `--kubeconfig`. The bench's own requests (creating the
/// objects, changing versions) go to the server directly when it is in process, else through a
/// client of their own; watches that time the operator's writes are the store's own in process
/// (the instant of the write, no transport in between), else client watches.
final class BenchCluster: Sendable {
    /// The in-process server; nil against a real cluster.
    let server: TestAPIServer?
    /// The clock shared by server and operator; nil against a real cluster (real time).
    let clock: AdvancingClock?
    /// What the operator's client connects with.
    let configuration: ClientConfiguration
    /// The bench's own client (no rate limit).
    let client: KubeClient
    /// The namespace every object of the run lives in.
    let namespace: String

    static let admin = UserInfo(name: "kubernetes-admin", groups: ["system:masters"])

    /// The bench's own client: no rate limit, and a User-Agent of its own, so that servers that
    /// count requests by client (and field managers) tell its requests from the operator's.
    static var clientOptions: KubeClient.Options {
        var options = KubeClient.Options()
        options.qps = 0
        options.userAgent = "modelops-bench"
        return options
    }

    static func start(_ options: OperatorBenchOptions, simulator: WorkloadSimulator.Options?) async throws -> BenchCluster {
        if let kubeconfig = options.kubeconfig {
            return try await connect(kubeconfig: kubeconfig, context: options.context)
        }
        let clock = AdvancingClock(start: Date())
        var serverOptions = TestAPIServer.Options()
        serverOptions.simulator = simulator
        serverOptions.api.now = { clock.wallNow() }
        let server = try await TestAPIServer.start(serverOptions)
        try await server.apply(yaml: CRDManifests.combinedYAML)
        let namespace = "modelops-bench"
        try await server.apply(yaml: "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: \(namespace)\n")
        let configuration = ClientConfiguration(server: server.url, tls: TLSOptions(caPEM: Array(server.ca.certificatePEM.utf8)),
                                                namespace: namespace, credentials: .token(server.adminToken), source: "modelops-bench")
        let client = try KubeClient(configuration: configuration, options: clientOptions)
        return BenchCluster(server: server, clock: clock, configuration: configuration, client: client, namespace: namespace)
    }

    /// A cluster from a kubeconfig (the ModelOps CRDs installed), the run in a namespace of its own.
    static func connect(kubeconfig: String, context: String?) async throws -> BenchCluster {
        let configuration = try ConfigLoader.load(kubeconfig: kubeconfig, context: context)
        let client = try KubeClient(configuration: configuration, options: clientOptions)
        for kind in [ModelDeployment.self, TrainingJob.self, RetrainPolicy.self] as [any KubeResource.Type] {
            do {
                _ = try await client.dynamic(Kinds.crds).get("\(kind.plural).\(kind.group)")
            } catch {
                client.shutdown()
                throw ValidationError("the cluster has no \(kind.plural).\(kind.group) CRD (install crds/ first): \(error)")
            }
        }
        let namespace = "modelops-bench-" + UUID().uuidString.lowercased().prefix(6)
        _ = try await client.dynamic(Kinds.namespaces).create(
            ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": .string(namespace)]])
        return BenchCluster(server: nil, clock: nil, configuration: configuration, client: client, namespace: namespace)
    }

    private init(server: TestAPIServer?, clock: AdvancingClock?, configuration: ClientConfiguration, client: KubeClient, namespace: String) {
        self.server = server
        self.clock = clock
        self.configuration = configuration
        self.client = client
        self.namespace = namespace
    }

    /// Wall time as the operator sees it.
    func now() -> Date { clock?.wallNow() ?? Date() }

    /// Removes the run's namespace (real cluster; not when the cluster is thrown away next) or
    /// stops the server.
    func stop(removingNamespace: Bool = true) async {
        if server == nil, removingNamespace {
            _ = try? await client.dynamic(Kinds.namespaces).delete(namespace)
        }
        // The client first: a connection it keeps open would hold the server's graceful shutdown.
        client.shutdown()
        await server?.stop()
    }

    // MARK: Requests

    /// Requests the in-process server answered so far, keyed "verb resource"; nil against a real cluster.
    func requestCounts() -> [String: Int]? { server?.api.counter.snapshot }

    /// Creates `object` (of `info`) in the run's namespace.
    func create(_ info: ResourceInfo, _ object: JSON) async throws {
        var object = object
        object[path: ["metadata", "namespace"]] = .string(namespace)
        if let server {
            let response = await server.api.handle(APIRequest(
                method: "POST", path: Self.path(info, namespace: namespace),
                headers: ["content-type": "application/json", "user-agent": "modelops-bench"],
                body: object.serialized(), user: Self.admin))
            guard response.status == 201 else { throw Self.failure("create \(info.plural)", response) }
        } else {
            _ = try await client.dynamic(info, namespace: namespace).create(object)
        }
    }

    /// Creates many objects, `concurrency` requests at a time.
    func createAll(_ info: ResourceInfo, count: Int, concurrency: Int = 8, _ make: @escaping @Sendable (Int) -> JSON) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for lane in 0..<max(1, min(concurrency, count)) {
                group.addTask {
                    for i in stride(from: lane, to: count, by: concurrency) { try await self.create(info, make(i)) }
                }
            }
            try await group.waitForAll()
        }
    }

    /// A JSON merge patch of one object; returns the object as written.
    func mergePatch(_ info: ResourceInfo, _ name: String, _ patch: JSON) async throws -> JSON {
        if let server {
            let response = await server.api.handle(APIRequest(
                method: "PATCH", path: Self.path(info, namespace: namespace) + "/" + name,
                headers: ["content-type": "application/merge-patch+json", "user-agent": "modelops-bench"],
                body: patch.serialized(), user: Self.admin))
            guard response.status == 200 else { throw Self.failure("patch \(info.plural)/\(name)", response) }
            return try JSON.parse(response.body)
        }
        return try await client.dynamic(info, namespace: namespace).patch(name, .merge(patch.serialized()))
    }

    /// Every object of a kind in the run's namespace.
    func list(_ info: ResourceInfo) async throws -> [JSON] {
        try await client.dynamic(info, namespace: namespace).listAll().items
    }

    static func path(_ info: ResourceInfo, namespace: String) -> String {
        (info.group.isEmpty ? "/api/\(info.version)" : "/apis/\(info.group)/\(info.version)")
            + "/namespaces/\(namespace)/\(info.plural)"
    }

    static func failure(_ what: String, _ response: APIResponse) -> ValidationError {
        let status = (try? JSON.parse(response.body)) ?? .null
        return ValidationError("\(what): \(response.status) \(status["message"]?.stringValue ?? "")")
    }

    // MARK: Watches

    /// Calls `handler` with every added or modified object of a kind in the run's namespace, from
    /// now on, until `stop()` on the returned watch. In process the handler runs under the
    /// store's lock at the instant of the write: it must be quick and must not block.
    func watch(_ info: ResourceInfo, _ handler: @escaping @Sendable (JSON) -> Void) async throws -> BenchWatch {
        if let server {
            let storageKey = info.group.isEmpty ? info.plural : "\(info.plural).\(info.group)"
            let watcher = ObjectStore.Watcher(
                storageKey: storageKey, filter: ObjectFilter(namespace: namespace),
                deliver: { kind, stored in if kind != .deleted { handler(stored.object) } }, close: {})
            let id = try server.api.store.watch(watcher, from: .after(server.api.store.resourceVersion))
            return BenchWatch { server.api.store.cancelWatch(id) }
        }
        let resource = client.dynamic(info, namespace: namespace)
        let start = try await resource.list(ListOptions(limit: 1)).resourceVersion
        let task = Task {
            var resourceVersion = start
            while !Task.isCancelled {
                do {
                    for try await event in resource.watch(ListOptions(resourceVersion: resourceVersion, timeoutSeconds: 300)) {
                        switch event {
                        case let .added(object), let .modified(object):
                            resourceVersion = object[path: ["metadata", "resourceVersion"]]?.stringValue ?? resourceVersion
                            handler(object)
                        case let .deleted(object):
                            resourceVersion = object[path: ["metadata", "resourceVersion"]]?.stringValue ?? resourceVersion
                        case let .bookmark(rv, _):
                            resourceVersion = rv
                        case let .undecodable(object):
                            resourceVersion = object.resourceVersion  // a dynamic watch decodes every object
                        }
                    }
                } catch {
                    // 410 or a broken stream: what was missed is re-read from a fresh list.
                    guard !Task.isCancelled else { return }
                    if let list = try? await resource.listAll() {
                        list.items.forEach(handler)
                        resourceVersion = list.resourceVersion
                    }
                    try? await Task.sleep(for: .milliseconds(200))
                }
            }
        }
        return BenchWatch { task.cancel() }
    }
}

/// A running bench watch.
final class BenchWatch: Sendable {
    private let cancel: @Sendable () -> Void
    init(_ cancel: @escaping @Sendable () -> Void) { self.cancel = cancel }
    func stop() { cancel() }
}
