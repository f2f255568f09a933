import KubeClient
import KubeCore
import Synchronization

/// Writes the status of one kind's objects the way a controller-runtime reconciler learns to:
/// only when it changed, never from a cache older than its own last write, and a conflict is a
/// quiet requeue rather than an error.
///
/// The stale check: while the informer's cache still holds exactly the resourceVersion a status
/// write started from, it has not seen that write, and a reconcile from it would redo the last
/// transition (a 409 and a wasted request at best). `isStale` says so; the write's own watch
/// event queues the key again. resourceVersions are only compared for equality.
public final class StatusWriter<Object: KubeResource>: Sendable {
    /// What became of a write.
    public enum Outcome: Sendable, Equatable {
        /// The status equals the stored one: no request was sent.
        case unchanged
        case written
        /// 409: the object changed since the cache saw it. Requeue quietly (its newer version is
        /// on its way); record no events, since the transition was not stored.
        case conflict
    }

    private let versions = Mutex<[String: String]>([:])

    public init() {}

    /// Whether `object` is the very version a status write of ours started from.
    public func isStale(_ object: Object) -> Bool {
        guard let uid = object.metadata.uid, let resourceVersion = object.metadata.resourceVersion else { return false }
        return versions.withLock { $0[uid] == resourceVersion }
    }

    /// Drops what is remembered of an object (deleted, or finished with).
    public func forget(_ object: Object) {
        guard let uid = object.metadata.uid else { return }
        _ = versions.withLock { $0.removeValue(forKey: uid) }
    }

    /// Writes `status` into `object` at `keyPath` through the status subresource, unless it equals
    /// the stored one (`absent`: what a missing status counts as, e.g. an empty status).
    public func write<Status: Equatable & Sendable>(
        _ status: Status, of object: Object, at keyPath: WritableKeyPath<Object, Status?>,
        absent: Status? = nil, to resource: ResourceClient<Object>
    ) async throws -> Outcome {
        guard status != (object[keyPath: keyPath] ?? absent) else { return .unchanged }
        var updated = object
        updated[keyPath: keyPath] = status
        do {
            let stored = try await resource.updateStatusMetadata(updated, name: object.metadata.name ?? "")
            wrote(object, to: stored.resourceVersion)
            return .written
        } catch {
            guard error.code == 409 else { throw error }
            forget(object)
            return .conflict
        }
    }

    /// Records a write that took `object` to `newVersion`. A write the server found to change
    /// nothing keeps the version (no watch event follows) and the cache is then already
    /// current: nothing is remembered, or the key would wait forever.
    func wrote(_ object: Object, to newVersion: String?) {
        guard let uid = object.metadata.uid else { return }
        guard let resourceVersion = object.metadata.resourceVersion, newVersion != resourceVersion else {
            _ = versions.withLock { $0.removeValue(forKey: uid) }
            return
        }
        versions.withLock { $0[uid] = resourceVersion }
    }
}
