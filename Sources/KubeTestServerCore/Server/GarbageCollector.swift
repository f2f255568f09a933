import Foundation
import KubeCore
import Synchronization

/// The controller-manager loops the API server itself lacks: ownerReference garbage collection
/// (background, foreground, orphan) and namespace finalization. Woken after deletions; while
/// work is pending (finalizers held by someone else) it looks again every 100 ms.
///
/// A pass scans every stored object under the store's lock, so with tens of thousands of objects
/// and a stream of deletions (a fleet of rollouts each removing an old Deployment) passes back to
/// back would hold the lock most of the time. Deletions arriving during a pass are coalesced
/// into the next one, which waits four times as long as the last pass took: at most a fifth of
/// the time goes to collecting, and a small store collects as soon as it is woken.
final class GarbageCollector: Sendable {
    private let signal = Mutex<(continuation: AsyncStream<Void>.Continuation?, task: Task<Void, Never>?)>((nil, nil))

    func start(server: APIServer) {
        let (stream, continuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let task = Task { [weak server] in
            var pending = false
            var iterator = stream.makeAsyncIterator()
            var lastPass = Duration.zero
            while !Task.isCancelled {
                if pending {
                    try? await Task.sleep(for: .milliseconds(100))
                } else {
                    guard await iterator.next() != nil else { return }
                }
                if lastPass > .milliseconds(1) { try? await Task.sleep(for: lastPass * 4) }
                guard let server else { return }
                let start = ContinuousClock.now
                pending = server.collectGarbage()
                lastPass = ContinuousClock.now - start
            }
        }
        signal.withLock { $0 = (continuation, task) }
    }

    func wake() {
        _ = signal.withLock { $0.continuation?.yield() }
    }

    func stop() {
        signal.withLock {
            $0.continuation?.finish()
            $0.task?.cancel()
        }
    }
}

extension APIServer {
    /// One pass; returns whether work remains that someone else must unblock.
    @discardableResult
    func collectGarbage() -> Bool {
        let time = now()
        return store.withState { state in
            var pending = false
            var changed = true
            var rounds = 0
            while changed && rounds < 50 {
                changed = false
                rounds += 1
                // Dependents: a reference to an owner that is gone dangles; one to an owner being
                // deleted with `orphan` is released; an owner in foreground deletion takes its
                // dependents with it.
                for storageKey in state.storageKeys {
                    for (key, stored) in state.all(storageKey) {
                        let refs = stored.object[path: ["metadata", "ownerReferences"]]?.arrayValue ?? []
                        guard !refs.isEmpty else { continue }
                        var live: [JSON] = []
                        var dangling = 0, released = 0
                        var foreground = false
                        for ref in refs {
                            guard let (ownerStorage, ownerKey) = state.locate(uid: ref["uid"]?.stringValue ?? ""),
                                  let owner = state.get(ownerStorage, ownerKey) else {
                                dangling += 1
                                continue
                            }
                            let finalizers = (owner.object[path: ["metadata", "finalizers"]]?.arrayValue ?? []).compactMap(\.stringValue)
                            let ownerDeleting = owner.object[path: ["metadata", "deletionTimestamp"]] != nil
                            if ownerDeleting && finalizers.contains("orphan") {
                                released += 1
                                continue
                            }
                            if ownerDeleting && finalizers.contains("foregroundDeletion") { foreground = true }
                            live.append(ref)
                        }
                        let deleting = stored.object[path: ["metadata", "deletionTimestamp"]] != nil
                        if (live.isEmpty && dangling > 0) || foreground {
                            if !deleting {
                                deleteForCollection(&state, storageKey, key, stored.object, time: time, foreground: foreground)
                                changed = true
                            }
                        } else if dangling + released > 0 {
                            var object = stored.object
                            object[path: ["metadata", "ownerReferences"]] = live.isEmpty ? nil : .array(live)
                            state.put(storageKey, key, object)
                            changed = true
                        }
                    }
                }
                // Owners waiting in foreground deletion or orphaning finish when nothing depends on them.
                for storageKey in state.storageKeys {
                    for (key, stored) in state.all(storageKey) where stored.object[path: ["metadata", "deletionTimestamp"]] != nil {
                        var finalizers = (stored.object[path: ["metadata", "finalizers"]]?.arrayValue ?? []).compactMap(\.stringValue)
                        let uid = stored.uid
                        if finalizers.contains("orphan") || finalizers.contains("foregroundDeletion") {
                            let dependents = hasDependents(state, uid: uid)
                            if finalizers.contains("orphan") && !dependents.any { finalizers.removeAll { $0 == "orphan" } }
                            if finalizers.contains("foregroundDeletion") && !dependents.blocking { finalizers.removeAll { $0 == "foregroundDeletion" } }
                            if finalizers.count != (stored.object[path: ["metadata", "finalizers"]]?.arrayValue ?? []).count {
                                var object = stored.object
                                object[path: ["metadata", "finalizers"]] = finalizers.isEmpty ? nil : .array(finalizers.map(JSON.string))
                                if finalizers.isEmpty { state.remove(storageKey, key, finalState: object) } else { state.put(storageKey, key, object) }
                                changed = true
                            } else {
                                pending = true
                            }
                        }
                    }
                }
                // Namespaces being deleted: delete their content, then the namespace.
                for (nsKey, ns) in state.all("namespaces") where ns.object[path: ["metadata", "deletionTimestamp"]] != nil {
                    let name = nsKey.name
                    var remaining = 0
                    for storageKey in state.storageKeys where storageKey != "namespaces" {
                        for (key, stored) in state.all(storageKey) where key.namespace == name {
                            remaining += 1
                            if stored.object[path: ["metadata", "deletionTimestamp"]] == nil {
                                deleteForCollection(&state, storageKey, key, stored.object, time: time, foreground: false)
                                changed = true
                            }
                        }
                    }
                    if remaining == 0 {
                        var object = ns.object
                        object[path: ["spec", "finalizers"]] = nil
                        let metaFinalizers = (object[path: ["metadata", "finalizers"]]?.arrayValue ?? [])
                        if metaFinalizers.isEmpty {
                            state.remove("namespaces", nsKey, finalState: object)
                            changed = true
                        } else {
                            pending = true
                        }
                    } else {
                        pending = true
                    }
                }
            }
            return pending
        }
    }

    private func hasDependents(_ state: ObjectStore.State, uid: String) -> (any: Bool, blocking: Bool) {
        var any = false
        for storageKey in state.storageKeys {
            for (_, stored) in state.all(storageKey) {
                for ref in stored.object[path: ["metadata", "ownerReferences"]]?.arrayValue ?? [] where ref["uid"]?.stringValue == uid {
                    any = true
                    if ref["blockOwnerDeletion"]?.boolValue == true { return (true, true) }
                }
            }
        }
        return (any, false)
    }

    /// Deletes as the garbage collector does: objects with finalizers are marked, others removed.
    private func deleteForCollection(_ state: inout ObjectStore.State, _ storageKey: String, _ key: ObjectKey, _ object: JSON,
                                     time: String, foreground: Bool) {
        var finalizers = (object[path: ["metadata", "finalizers"]]?.arrayValue ?? []).compactMap(\.stringValue)
        if foreground, hasDependents(state, uid: object[path: ["metadata", "uid"]]?.stringValue ?? "").any,
           !finalizers.contains("foregroundDeletion") {
            finalizers.append("foregroundDeletion")
        }
        if finalizers.isEmpty {
            state.remove(storageKey, key)
            return
        }
        var updated = object
        updated[path: ["metadata", "deletionTimestamp"]] = .string(time)
        updated[path: ["metadata", "deletionGracePeriodSeconds"]] = 0
        updated[path: ["metadata", "finalizers"]] = .array(finalizers.map(JSON.string))
        state.put(storageKey, key, updated)
    }
}
