import KubeCore
import Synchronization

/// All objects of the server behind one lock, with one resourceVersion counter for the whole
/// store (as etcd has), a bounded per-resource history for watches, and the open watches.
///
/// Writes and watch notifications happen under the same lock, so every watcher sees the events of
/// one resource in resourceVersion order with no gap between its replay and its live events.
public final class ObjectStore: Sendable {
    public struct Watcher: Sendable {
        public var storageKey: String
        public var filter: ObjectFilter
        /// Called under the store's lock with each event as this watcher should see it
        /// (a MODIFIED that leaves the filter arrives as DELETED). Must not block.
        public var deliver: @Sendable (WatchEvent.Kind, StoredObject) -> Void
        /// Called once when the server ends the watch (restart, dropped watches).
        public var close: @Sendable () -> Void

        public init(storageKey: String, filter: ObjectFilter = ObjectFilter(),
                    deliver: @escaping @Sendable (WatchEvent.Kind, StoredObject) -> Void, close: @escaping @Sendable () -> Void = {}) {
            self.storageKey = storageKey
            self.filter = filter
            self.deliver = deliver
            self.close = close
        }
    }

    public struct State: Sendable {
        public internal(set) var resourceVersion: Int64 = 1
        var objects: [String: [ObjectKey: StoredObject]] = [:]
        var history: [String: HistoryBuffer] = [:]
        /// Per resource, the newest resourceVersion whose events may be missing from history:
        /// a watch must start at or after it.
        var historyFloor: [String: Int64] = [:]
        /// Lists continued with a token older than this are 410 Expired (etcd compaction).
        var compactedRevision: Int64 = 0
        /// Watches must start at or after this (raised when the server "restarts").
        var watchFloor: Int64 = 0
        var watchers: [Int: Watcher] = [:]
        var nextWatcherID = 0
        let historyLimit: Int
        var uidIndex: [String: (String, ObjectKey)] = [:]
        /// Per owner uid, the keys of the objects whose ownerReferences name it, so "the pods of
        /// this Job" is a lookup rather than a scan of every pod (quadratic at 10,000 Jobs).
        var dependentIndex: [String: Set<DependentKey>] = [:]
        var auditSinks: [@Sendable (WatchEvent) -> Void] = []
        /// Per resource, its keys in etcd's order: made by the first list or watch that needs
        /// them and dropped when a key comes or goes (an update keeps its key), so paging through
        /// 30,000 objects sorts them once instead of once per page.
        var listOrder: [String: [ObjectKey]] = [:]

        init(historyLimit: Int) { self.historyLimit = historyLimit }

        public func get(_ storageKey: String, _ key: ObjectKey) -> StoredObject? {
            objects[storageKey]?[key]
        }

        public func all(_ storageKey: String) -> [ObjectKey: StoredObject] {
            objects[storageKey] ?? [:]
        }

        public var storageKeys: [String] { Array(objects.keys) }

        /// The keys of `storageKey` in etcd's order (`ObjectKey.<`).
        public mutating func keysInListOrder(_ storageKey: String) -> [ObjectKey] {
            if let keys = listOrder[storageKey] { return keys }
            let keys = (objects[storageKey] ?? [:]).keys.sorted()
            listOrder[storageKey] = keys
            return keys
        }

        /// The events of `storageKey` after resourceVersion `rv`, oldest first: what a continued
        /// list undoes to read the objects as they were at its first page (etcd serves every
        /// page at that revision). Nil when the history no longer holds every one of them
        /// (evicted, or forgotten by a restart).
        public func events(_ storageKey: String, after rv: Int64) -> [WatchEvent]? {
            guard rv >= max(historyFloor[storageKey] ?? 0, watchFloor) else { return nil }
            guard rv < resourceVersion else { return [] }
            return history[storageKey]?.events(after: rv) ?? []
        }

        /// The objects of `storageKey` whose ownerReferences name `uid`.
        public func dependents(of uid: String, in storageKey: String) -> [(key: ObjectKey, object: StoredObject)] {
            (dependentIndex[uid] ?? []).compactMap { dependent in
                guard dependent.storageKey == storageKey, let stored = objects[storageKey]?[dependent.key] else { return nil }
                return (dependent.key, stored)
            }
        }

        private mutating func reindexOwners(_ storageKey: String, _ key: ObjectKey, from previous: JSON?, to current: JSON?) {
            let before = previous.map(Self.ownerUIDs) ?? []
            let after = current.map(Self.ownerUIDs) ?? []
            guard before != after else { return }
            let dependent = DependentKey(storageKey: storageKey, key: key)
            for uid in before where !after.contains(uid) {
                dependentIndex[uid]?.remove(dependent)
                if dependentIndex[uid]?.isEmpty == true { dependentIndex[uid] = nil }
            }
            for uid in after where !before.contains(uid) { dependentIndex[uid, default: []].insert(dependent) }
        }

        static func ownerUIDs(_ object: JSON) -> [String] {
            (object[path: ["metadata", "ownerReferences"]]?.arrayValue ?? []).compactMap { $0["uid"]?.stringValue }
        }

        /// Where the object with this uid lives, if it exists.
        public func locate(uid: String) -> (storageKey: String, key: ObjectKey)? {
            uidIndex[uid].map { ($0.0, $0.1) }
        }

        /// Stores `object` under a new resourceVersion (written into its metadata), records the
        /// event and tells the watchers.
        @discardableResult
        public mutating func put(_ storageKey: String, _ key: ObjectKey, _ object: JSON) -> StoredObject {
            resourceVersion += 1
            var object = object
            object[path: ["metadata", "resourceVersion"]] = .string(String(resourceVersion))
            let stored = StoredObject(object, resourceVersion: resourceVersion)
            let previous = objects[storageKey]?[key]
            objects[storageKey, default: [:]][key] = stored
            if previous == nil { listOrder[storageKey] = nil }
            if let previous, previous.uid != stored.uid { uidIndex[previous.uid] = nil }
            uidIndex[stored.uid] = (storageKey, key)
            reindexOwners(storageKey, key, from: previous?.object, to: stored.object)
            record(WatchEvent(kind: previous == nil ? .added : .modified, storageKey: storageKey,
                              object: stored, previous: previous))
            return stored
        }

        /// Removes the object; the DELETED event carries `finalState` at a new resourceVersion.
        @discardableResult
        public mutating func remove(_ storageKey: String, _ key: ObjectKey, finalState: JSON? = nil) -> StoredObject? {
            guard let previous = objects[storageKey]?[key] else { return nil }
            resourceVersion += 1
            var object = finalState ?? previous.object
            object[path: ["metadata", "resourceVersion"]] = .string(String(resourceVersion))
            let stored = StoredObject(object, resourceVersion: resourceVersion)
            objects[storageKey]?[key] = nil
            listOrder[storageKey] = nil
            uidIndex[previous.uid] = nil
            reindexOwners(storageKey, key, from: previous.object, to: nil)
            record(WatchEvent(kind: .deleted, storageKey: storageKey, object: stored, previous: previous))
            return stored
        }

        private mutating func record(_ event: WatchEvent) {
            // Appended in place: a copy taken out of the dictionary would copy the whole buffer.
            if let evicted = history[event.storageKey, default: HistoryBuffer(capacity: historyLimit)].append(event) {
                historyFloor[event.storageKey] = max(historyFloor[event.storageKey] ?? 0, evicted.resourceVersion)
            }
            for sink in auditSinks { sink(event) }
            for watcher in watchers.values where watcher.storageKey == event.storageKey {
                Self.dispatch(event, to: watcher)
            }
        }

        static func dispatch(_ event: WatchEvent, to watcher: Watcher) {
            let now = watcher.filter.matches(event.object)
            switch event.kind {
            case .added:
                if now { watcher.deliver(.added, event.object) }
            case .deleted:
                if watcher.filter.matches(event.previous ?? event.object) { watcher.deliver(.deleted, event.object) }
            case .modified:
                let before = event.previous.map(watcher.filter.matches) ?? false
                switch (before, now) {
                case (true, true): watcher.deliver(.modified, event.object)
                case (false, true): watcher.deliver(.added, event.object)
                case (true, false): watcher.deliver(.deleted, event.object)
                case (false, false): break
                }
            }
        }
    }

    /// An object named by its kind's storage key and its key.
    struct DependentKey: Hashable, Sendable {
        var storageKey: String
        var key: ObjectKey
    }

    let state: SleepingLock<State>

    public init(historyLimit: Int = 1000) {
        state = SleepingLock(State(historyLimit: historyLimit))
    }

    /// Runs `body` with exclusive access to the store: a transaction.
    public func withState<R>(_ body: (inout State) throws -> R) rethrows -> R {
        try state.withLock { try body(&$0) }
    }

    public var resourceVersion: Int64 { state.withLock { $0.resourceVersion } }

    public enum WatchStart: Sendable {
        /// Synthetic ADDED events for every current object first (resourceVersion unset or "0").
        case currentState
        /// Only changes after this resourceVersion.
        case after(Int64)
        /// Only changes from now on (a watch that asked for no initial events).
        case now
    }

    /// Why a watch could not start.
    public enum WatchStartError: Error, Sendable {
        case tooOld(requested: Int64, oldest: Int64)
    }

    /// Opens a watch atomically with its replay, so no event falls between the two. Returns the
    /// watcher id, used to cancel.
    public func watch(_ watcher: Watcher, from start: WatchStart) throws(WatchStartError) -> Int {
        try state.withLock { (state: inout State) throws(WatchStartError) -> Int in
            switch start {
            case .currentState:
                let objects = state.objects[watcher.storageKey] ?? [:]
                for key in state.keysInListOrder(watcher.storageKey) {
                    if let object = objects[key], watcher.filter.matches(object) { watcher.deliver(.added, object) }
                }
            case .now:
                break
            case let .after(rv):
                let floor = max(state.historyFloor[watcher.storageKey] ?? 0, state.watchFloor, state.compactedRevision)
                if rv < floor {
                    throw .tooOld(requested: rv, oldest: floor + 1)
                }
                for event in state.history[watcher.storageKey]?.events(after: rv) ?? [] {
                    State.dispatch(event, to: watcher)
                }
            }
            let id = state.nextWatcherID
            state.nextWatcherID += 1
            state.watchers[id] = watcher
            return id
        }
    }

    public func cancelWatch(_ id: Int) {
        _ = state.withLock { $0.watchers.removeValue(forKey: id) }
    }

    /// Calls `sink` (under the store's lock, in resourceVersion order; it must not block) with
    /// every committed change from now on, like the API server's audit log: unlike a watch it is
    /// not ended by dropped watches or a restart, so a test can check the whole sequence of
    /// writes an operator made while faults were injected.
    public func addAuditSink(_ sink: @escaping @Sendable (WatchEvent) -> Void) {
        state.withLock { $0.auditSinks.append(sink) }
    }

    public var openWatchCount: Int { state.withLock { $0.watchers.count } }

    /// Ends every open watch (their clients must reconnect).
    public func dropAllWatches() {
        let dropped = state.withLock { state -> [Watcher] in
            let all = Array(state.watchers.values)
            state.watchers.removeAll()
            return all
        }
        for watcher in dropped { watcher.close() }
    }

    /// Forgets the watch history as a restarted API server does: storage is kept, but watches
    /// from resourceVersions before now get 410 Gone.
    public func forgetHistory() {
        state.withLock { state in
            state.history.removeAll()
            state.watchFloor = state.resourceVersion
        }
    }

    /// Compacts storage as etcd does: continue tokens (and watches) from resourceVersions older
    /// than the current one get 410 Gone; the current revision stays readable.
    public func compact() {
        state.withLock { state in
            state.history.removeAll()
            state.compactedRevision = state.resourceVersion
        }
    }
}

/// A fixed-capacity ring of the most recent events of one resource.
struct HistoryBuffer: Sendable {
    private var storage: [WatchEvent] = []
    private var start = 0
    let capacity: Int

    init(capacity: Int) { self.capacity = max(1, capacity) }

    /// Appends, returning the event that fell out of the window, if any.
    mutating func append(_ event: WatchEvent) -> WatchEvent? {
        if storage.count < capacity {
            storage.append(event)
            return nil
        }
        let evicted = storage[start]
        storage[start] = event
        start = (start + 1) % capacity
        return evicted
    }

    func events(after rv: Int64) -> [WatchEvent] {
        var result: [WatchEvent] = []
        for i in 0..<storage.count {
            let event = storage[(start + i) % storage.count]
            if event.resourceVersion > rv { result.append(event) }
        }
        return result
    }
}
