import KubeClient
import KubeCore

/// The coordination.k8s.io/v1 Lease that carries the election record (client-go's
/// `resourcelock.LeaseLock`). Get remembers the object so that Update is a PUT carrying its
/// resourceVersion: a concurrent writer makes it fail with 409 Conflict, and two candidates
/// creating the lease at once make one fail with 409 AlreadyExists.
final class LeaseLock: Sendable {
    static let resource = ResourceInfo(group: "coordination.k8s.io", version: "v1", kind: "Lease", plural: "leases",
                                       namespaced: true)

    let namespace: String
    let name: String
    let identity: String
    private let leases: ResourceClient<JSON>
    /// The Lease as last read or written, the base of the next update.
    private let lease = MutexBox<JSON?>(nil)

    init(client: KubeClient, namespace: String, name: String, identity: String) {
        self.namespace = namespace
        self.name = name
        self.identity = identity
        leases = client.dynamic(Self.resource, namespace: namespace)
    }

    var description: String { "\(namespace)/\(name)" }

    func get() async throws(KubeError) -> LeaderElectionRecord {
        let object = try await leases.get(name)
        lease.set(object)
        return LeaderElectionRecord(leaseSpec: object["spec"])
    }

    func create(_ record: LeaderElectionRecord) async throws(KubeError) {
        let object: JSON = [
            "apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
            "metadata": ["name": .string(name), "namespace": .string(namespace)],
            "spec": record.apply(to: nil),
        ]
        lease.set(try await leases.create(object))
    }

    /// PUT over the last seen object; 409 Conflict when someone else wrote in between.
    func update(_ record: LeaderElectionRecord) async throws(KubeError) {
        guard var object = lease.get() else {
            throw KubeError.decoding("lease \(description) not initialized: get or create it first")
        }
        object["spec"] = record.apply(to: object["spec"])
        lease.set(try await leases.update(object, name: name))
    }
}
