import Synchronization

/// Fingerprints of children last applied, by "<plural>/<namespace>/<name>", for kinds the
/// operator does not watch. Bounded by the number of children; entries go stale harmlessly (a
/// stale entry means one extra GET after someone else changed the child — see `applyUncached`).
final class HashMemo: Sendable {
    private let hashes = Mutex<[String: String]>([:])

    func get(_ key: String) -> String? { hashes.withLock { $0[key] } }
    func set(_ key: String, _ value: String) { hashes.withLock { $0[key] = value } }
}
