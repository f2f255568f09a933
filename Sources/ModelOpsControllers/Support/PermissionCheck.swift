import KubeClient
import KubeCore

/// Asks the API server, with one SelfSubjectAccessReview per verb and resource (what `kubectl
/// auth can-i` does), whether the operator's identity holds every permission of
/// `OperatorPermissions`. A missing rule otherwise shows only as an informer that never syncs;
/// this names it at start-up.
public struct PermissionCheck: Sendable {
    /// One permission the server denies.
    public struct Denial: Sendable, Hashable, CustomStringConvertible {
        public var verb: String
        public var group: String
        public var resource: String
        /// "" for all namespaces (cluster scope).
        public var namespace: String
        public var neededBy: String

        /// `list trainingjobs.modelops.io`.
        public var permission: String { "\(verb) \(RBACRule.qualified(resource, group))" }

        public var description: String {
            let scope = namespace.isEmpty ? "at the cluster scope" : "in namespace \(namespace)"
            return "RBAC denies \(permission) \(scope): these requests will fail with 403 Forbidden (needed because \(neededBy))"
        }
    }

    public let client: KubeClient
    /// The watched namespace; nil checks cluster-wide (all namespaces).
    public let namespace: String?
    /// The Lease's namespace.
    public let leaseNamespace: String?
    /// Whether the secure metrics endpoint reviews scrapers' tokens (`--metrics-secure`).
    public let metricsAuthorization: Bool

    public init(client: KubeClient, namespace: String?, leaseNamespace: String?, metricsAuthorization: Bool = false) {
        self.client = client
        self.namespace = namespace
        self.leaseNamespace = leaseNamespace
        self.metricsAuthorization = metricsAuthorization
    }

    static let reviews = ResourceInfo(group: "authorization.k8s.io", version: "v1", kind: "SelfSubjectAccessReview",
                                      plural: "selfsubjectaccessreviews", namespaced: false)

    /// Every denied permission, in the order of `OperatorPermissions` (empty: all granted).
    public func run() async throws(KubeError) -> [Denial] {
        var asks: [Denial] = []
        for rule in OperatorPermissions.cluster {
            asks += expand(rule, namespace: namespace ?? "")
        }
        if let leaseNamespace {
            for rule in OperatorPermissions.leaderElection { asks += expand(rule, namespace: leaseNamespace) }
        }
        if metricsAuthorization {
            for rule in OperatorPermissions.metricsAuthorization { asks += expand(rule, namespace: "") }
        }
        let client = self.client
        let answers: [(Int, Result<Bool, KubeError>)] = await withTaskGroup(of: (Int, Result<Bool, KubeError>).self) { group in
            for (index, ask) in asks.enumerated() {
                group.addTask {
                    do throws(KubeError) {
                        return (index, .success(try await Self.allowed(ask, client: client)))
                    } catch {
                        return (index, .failure(error))
                    }
                }
            }
            var all: [(Int, Result<Bool, KubeError>)] = []
            for await answer in group { all.append(answer) }
            return all
        }
        var denied: [Int] = []
        for (index, answer) in answers {
            switch answer {
            case let .success(allowed): if !allowed { denied.append(index) }
            case let .failure(error): throw error
            }
        }
        return denied.sorted().map { asks[$0] }
    }

    private func expand(_ rule: RBACRule, namespace: String) -> [Denial] {
        rule.resources.flatMap { resource in
            rule.verbs.map { Denial(verb: $0, group: rule.group, resource: resource, namespace: namespace, neededBy: rule.neededBy) }
        }
    }

    private static func allowed(_ ask: Denial, client: KubeClient) async throws(KubeError) -> Bool {
        let parts = ask.resource.split(separator: "/", maxSplits: 1).map(String.init)
        var attributes: [String: JSON] = ["verb": .string(ask.verb), "group": .string(ask.group), "resource": .string(parts[0])]
        if parts.count == 2 { attributes["subresource"] = .string(parts[1]) }
        if !ask.namespace.isEmpty { attributes["namespace"] = .string(ask.namespace) }
        let review: JSON = [
            "apiVersion": "authorization.k8s.io/v1", "kind": "SelfSubjectAccessReview",
            "spec": ["resourceAttributes": .object(attributes)],
        ]
        let answer = try await client.dynamic(reviews).create(review)
        return answer[path: ["status", "allowed"]]?.boolValue ?? false
    }
}
