import Synchronization

/// The resourceVersion each TrainingJob had when this operator last wrote its status. While the
/// cache still holds exactly that version it has not seen the write, and a reconcile from it
/// would redo the last transition against a stale object (a 409, and a wasted write); the watch
/// event of the write queues the key again. resourceVersions are only compared for equality.
final class WrittenVersions: Sendable {
    private let versions = Mutex<[String: String]>([:])

    /// Whether `resourceVersion` of `uid` is the one a status write started from.
    func isStale(uid: String, resourceVersion: String?) -> Bool {
        guard let resourceVersion else { return false }
        return versions.withLock { $0[uid] == resourceVersion }
    }

    func wrote(uid: String, from resourceVersion: String?) {
        versions.withLock { $0[uid] = resourceVersion }
    }

    func forget(uid: String) {
        _ = versions.withLock { $0.removeValue(forKey: uid) }
    }
}
