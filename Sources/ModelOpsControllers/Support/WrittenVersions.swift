import Synchronization

/// The resourceVersion each object (TrainingJob, ModelDeployment) had when this operator last
/// wrote its status. While the cache still holds exactly that version it has not seen the write,
/// and a reconcile from it would redo the last transition against a stale object (a 409, and a
/// wasted write); the watch event of the write queues the key again. resourceVersions are only
/// compared for equality.
final class WrittenVersions: Sendable {
    private let versions = Mutex<[String: String]>([:])

    /// Whether `resourceVersion` of `uid` is the one a status write started from.
    func isStale(uid: String, resourceVersion: String?) -> Bool {
        guard let resourceVersion else { return false }
        return versions.withLock { $0[uid] == resourceVersion }
    }

    /// Records a write that took the object `from` one resourceVersion `to` the next. A write
    /// the server found to change nothing keeps the version (no watch event follows), and the
    /// cache is then already current: nothing is recorded, or the key would wait forever.
    func wrote(uid: String, from resourceVersion: String?, to newVersion: String?) {
        guard let resourceVersion, newVersion != resourceVersion else {
            forget(uid: uid)
            return
        }
        versions.withLock { $0[uid] = resourceVersion }
    }

    func forget(uid: String) {
        _ = versions.withLock { $0.removeValue(forKey: uid) }
    }
}
