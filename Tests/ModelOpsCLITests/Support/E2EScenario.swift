import Foundation
import KubeClient
import KubeCore
import Synchronization
import Testing
import TestSupport

/// One end-to-end test on the suite's `E2ECluster`: a namespace of its own, the operators it
/// starts (the real `modelops run`, as the ServiceAccount of manifests/, with leader election),
/// and waits on what the Kubernetes API shows, with deadlines. Scenarios use real time: short
/// durations (seconds), never a fixed sleep.
///
/// `run` ends every scenario the same way, also when it fails: no operator may have been refused
/// anything (a 403 in its log); the namespace is deleted while the operators still run (they let
/// go of what they hold, e.g. the trainer pods' results finalizer) and must be gone within the
/// deadline; then each operator still running gets SIGTERM and must exit 0.
final class E2EScenario: Sendable {
    /// An operator process and the leader-election identity it reported.
    struct Operator: Sendable {
        let process: OperatorProcess
        let identity: String
    }

    let cluster: E2ECluster
    let namespace: String
    private let operators = Mutex<[Operator]>([])

    /// How long a scenario waits for a state before it fails: generous, for image pulls on a
    /// real cluster; only a failing test ever waits this long.
    static let deadline: Duration = .seconds(150)

    private init(cluster: E2ECluster, namespace: String) {
        self.cluster = cluster
        self.namespace = namespace
    }

    /// Runs `body` in a fresh namespace of the suite's cluster (`@Suite(.e2eCluster)`).
    static func run(_ body: (E2EScenario) async throws -> Void) async throws {
        let cluster = try #require(E2EClusterTrait.current, "an end-to-end suite needs @Suite(.e2eCluster)")
        let namespace = "e2e-" + UUID().uuidString.lowercased().prefix(10)
        try await cluster.kubectlOK("apply", "-f", "-", stdin: """
            apiVersion: v1
            kind: Namespace
            metadata:
              name: \(namespace)
              labels:
                app.kubernetes.io/part-of: modelops-e2e
            """)
        let scenario = E2EScenario(cluster: cluster, namespace: namespace)
        do {
            try await body(scenario)
        } catch {
            for op in scenario.operators.withLock({ $0 }) {
                Issue.record("operator \(op.identity) log (end):\n\(op.process.log.suffix(6000))")
            }
            await scenario.finish()
            throw error
        }
        await scenario.finish()
    }

    // MARK: Operators

    /// The leader-election timings of the hand-over tests: a killed leader's Lease expires in 6 s.
    static let shortLease = ["--leader-election-lease-duration", "6s", "--leader-election-renew-deadline", "4s",
                             "--leader-election-retry-period", "1s"]

    /// Starts `modelops run` with the operator Deployment's own arguments (`--leader-elect`, JSON
    /// logs), listeners on loopback, the ServiceAccount's kubeconfig and the pod's environment;
    /// returns once it has checked its RBAC permissions and, with `lead`, holds the Lease.
    @discardableResult
    func startOperator(_ name: String = "a", extra: [String] = [], lead: Bool = true) async throws -> Operator {
        let process = try OperatorProcess(
            arguments: try await RBACTests.deploymentArgs() + ["--kubeconfig", cluster.operatorKubeconfig] + extra,
            environment: ["POD_NAMESPACE": E2ECluster.operatorNamespace, "POD_NAME": "modelops-e2e-\(name)"])
        let start: JSON
        do {
            start = try JSON.parse(try await process.waitForLine("starting the ModelOps operator"))
        } catch {
            process.kill()
            throw error
        }
        let op = Operator(process: process, identity: start["identity"]?.stringValue ?? "")
        operators.withLock { $0.append(op) }
        #expect(start["user"]?.stringValue == "system:serviceaccount:\(E2ECluster.operatorNamespace):\(E2ECluster.serviceAccount)",
                "the operator runs as the ServiceAccount: \(start)")
        try await process.waitForLine("RBAC permissions checked: every permission the operator uses is granted",
                                      timeout: .seconds(90))
        if lead { try await waitForLeader(op) }
        return op
    }

    /// The Lease the operators compete for (nil when absent).
    func lease() async throws -> JSON? {
        let leases = ResourceInfo(group: "coordination.k8s.io", version: "v1", kind: "Lease", plural: "leases", namespaced: true)
        return try await json(leases, "modelops-operator", namespace: E2ECluster.operatorNamespace)
    }

    func holder() async throws -> String {
        try await lease()?[path: ["spec", "holderIdentity"]]?.stringValue ?? ""
    }

    /// Waits until `op` holds the Lease (a previous holder's Lease may have to expire first).
    func waitForLeader(_ op: Operator, timeout: Duration = .seconds(60)) async throws {
        do {
            try await poll(timeout: timeout, "operator \(op.identity) to hold the Lease") { try await holder() == op.identity }
        } catch {
            let lease = try? await lease()
            Issue.record("the Lease: \(lease?.serializedString() ?? "absent")")
            throw error
        }
    }

    // MARK: Writes, as a user makes them

    /// `kubectl apply -f -` as the admin, of the objects put in this scenario's namespace: a YAML
    /// stream of JSON documents (a `v1/List` would make kubectl validate against /openapi/v2,
    /// which the test server does not serve).
    func apply(_ objects: JSON...) async throws {
        let documents = objects.map { object in
            var object = object
            object[path: ["metadata", "namespace"]] = .string(namespace)
            return "---\n" + object.serializedString() + "\n"
        }
        try await cluster.kubectlOK("apply", "-f", "-", stdin: documents.joined())
    }

    /// `kubectl -n <namespace> <arguments>` as the admin.
    @discardableResult
    func kubectl(_ arguments: String...) async throws -> String {
        let result = try await cluster.kubectl(["-n", namespace] + arguments)
        guard result.status == 0 else { throw CommandFailed(command: "kubectl " + arguments.joined(separator: " "), result: result) }
        return result.stdout
    }

    /// `modelops <arguments> -n <namespace>` (a user action) as the admin; fails unless it exits 0.
    @discardableResult
    func modelops(_ arguments: String...) async throws -> String {
        let result = try await cluster.modelops(arguments + ["-n", namespace])
        #expect(result.status == 0 && result.stderr.isEmpty, "modelops \(arguments.joined(separator: " ")): \(result)")
        return result.stdout
    }

    // MARK: Reads, through the API

    func get<K: KubeResource & Codable & Sendable>(_ type: K.Type, _ name: String) async throws -> K? {
        do {
            return try await cluster.client.resource(K.self, namespace: namespace).get(name)
        } catch let error {
            if error.status?.code == 404 { return nil }
            throw error
        }
    }

    func list<K: KubeResource & Codable & Sendable>(_ type: K.Type, labelSelector: String? = nil) async throws -> [K] {
        try await cluster.client.resource(K.self, namespace: namespace).list(ListOptions(labelSelector: labelSelector)).items
    }

    /// Any object as JSON (nil when absent), in this scenario's namespace unless another is named.
    func json(_ info: ResourceInfo, _ name: String, namespace: String? = nil) async throws -> JSON? {
        do {
            return try await cluster.client.dynamic(info, namespace: namespace ?? self.namespace).get(name)
        } catch let error {
            if error.status?.code == 404 { return nil }
            throw error
        }
    }

    func list(_ info: ResourceInfo, labelSelector: String? = nil) async throws -> [JSON] {
        try await cluster.client.dynamic(info, namespace: namespace).list(ListOptions(labelSelector: labelSelector)).items
    }

    /// Waits until the object exists and satisfies `predicate`; returns it.
    @discardableResult
    func waitFor<K: KubeResource & Codable & Sendable>(_ type: K.Type, _ name: String, _ what: String,
                                                       timeout: Duration = E2EScenario.deadline,
                                                       _ predicate: @escaping @Sendable (K) -> Bool) async throws -> K {
        let seen = Mutex<K?>(nil)
        do {
            try await poll(timeout: timeout, "\(K.self) \(name): \(what)") {
                guard let object = try await get(K.self, name) else { return false }
                seen.withLock { $0 = object }
                return predicate(object)
            }
        } catch {
            let last = seen.withLock { $0 }.flatMap { try? JSONEncoder().encode($0) }.map { String(decoding: $0, as: UTF8.self) }
            Issue.record("\(K.self) \(name) last seen: \(last ?? "never")")
            throw error
        }
        return try #require(seen.withLock { $0 })
    }

    /// Waits until an object of any kind (as JSON) satisfies `predicate`; nil is "absent".
    @discardableResult
    func waitFor(_ info: ResourceInfo, _ name: String, _ what: String, timeout: Duration = E2EScenario.deadline,
                 _ predicate: @escaping @Sendable (JSON?) -> Bool) async throws -> JSON? {
        let seen = Mutex<JSON?>(nil)
        try await poll(timeout: timeout, "\(info.plural) \(name): \(what)") {
            let object = try await json(info, name)
            seen.withLock { $0 = object }
            return predicate(object)
        }
        return seen.withLock { $0 }
    }

    /// The events.k8s.io Events about `name` in the namespace, once every reason in `reasons` is
    /// among them (events are flushed asynchronously).
    func events(about name: String, waitingFor reasons: [String]) async throws -> [JSON] {
        let found = Mutex<[JSON]>([])
        try await poll(timeout: .seconds(60), "events \(reasons) about \(name)") {
            let events = try await list(Self.events).filter { $0[path: ["regarding", "name"]]?.stringValue == name }
            found.withLock { $0 = events }
            let seen = Set(events.compactMap { $0["reason"]?.stringValue })
            return reasons.allSatisfy(seen.contains)
        }
        return found.withLock { $0 }
    }

    /// Checks `condition` every 200 ms (a request to the API server each time) until it holds,
    /// failing after `timeout`.
    func poll(timeout: Duration, _ what: String, _ condition: () async throws -> Bool) async throws {
        let end = ContinuousClock.now + timeout
        while true {
            if try await condition() { return }
            if ContinuousClock.now >= end { throw TimedOut(what: "\(what) on \(cluster.name)") }
            try await Task.sleep(for: .milliseconds(200))
        }
    }

    static let events = ResourceInfo(group: "events.k8s.io", version: "v1", kind: "Event", plural: "events", namespaced: true)
    static let deployments = ResourceInfo(group: "apps", version: "v1", kind: "Deployment", plural: "deployments", namespaced: true)
    static let jobs = ResourceInfo(group: "batch", version: "v1", kind: "Job", plural: "jobs", namespaced: true)
    static let pods = ResourceInfo(group: "", version: "v1", kind: "Pod", plural: "pods", namespaced: true)
    static let namespaces = ResourceInfo(group: "", version: "v1", kind: "Namespace", plural: "namespaces", namespaced: false)

    // MARK: The end

    /// A 403 reaches an operator's log as the server's Status (reason Forbidden, "… is forbidden:
    /// …") or as its permission check's "RBAC denies".
    static func refusals(in log: String) -> [String] {
        log.split(separator: "\n").map(String.init).filter {
            let line = $0.lowercased()
            return line.contains("forbidden") || line.contains("rbac denies") || line.contains("403 ")
        }
    }

    private func finish() async {
        let running = operators.withLock { $0 }
        for op in running {
            let refusals = Self.refusals(in: op.process.log)
            #expect(refusals.isEmpty, "operator \(op.identity) was refused (403) under manifests/ RBAC on \(cluster.name): \(refusals)")
        }
        _ = try? await cluster.kubectl(["delete", "namespace", namespace, "--wait=false"])
        do {
            let cluster = self.cluster, namespace = self.namespace
            try await poll(timeout: Self.deadline, "namespace \(namespace) to be deleted") {
                do {
                    _ = try await cluster.client.dynamic(Self.namespaces).get(namespace)
                    return false
                } catch {
                    if (error as? KubeError)?.status?.code == 404 { return true }
                    throw error
                }
            }
        } catch {
            let stuck = (try? await list(Self.pods))?.map {
                "\($0[path: ["metadata", "name"]]?.stringValue ?? ""): finalizers \($0[path: ["metadata", "finalizers"]]?.serializedString() ?? "none")"
            } ?? []
            Issue.record("namespace \(namespace) was not deleted: \(error); pods left: \(stuck)")
        }
        for op in running where op.process.exitStatus == nil {
            let status = try? await op.process.terminate(timeout: .seconds(45))
            if status == nil { op.process.kill() }
            #expect(status == 0, "operator \(op.identity) exits 0 on SIGTERM:\n\(op.process.log.suffix(3000))")
        }
    }
}
