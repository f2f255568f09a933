import Synchronization

/// A thread-safe cache of one kind's objects, keyed by `ObjectRef`, with indexes: by namespace,
/// by controller owner uid, and custom ones registered by name (client-go's `cache.Indexer`).
///
/// Reads never wait for handlers: the store has its own lock, held only for the map operations.
/// Objects are kept as decoded values after `ObjectAccess.prepare` (managedFields stripped),
/// since a cache lives as long as the operator and memory per object is what limits scale.
public final class IndexedStore<Object: Sendable>: Sendable {
    public typealias IndexFunction = @Sendable (Object) -> [String]

    /// Index of objects by `metadata.namespace` (cluster-scoped objects are not in it).
    public static var namespaceIndex: String { "namespace" }
    /// Index of objects by the uid of their controller owner reference.
    public static var controllerIndex: String { "controller" }

    struct State {
        var objects: [ObjectRef: Object] = [:]
        var functions: [String: IndexFunction] = [:]
        /// index name → value → refs.
        var indexes: [String: [String: Set<ObjectRef>]] = [:]
        var synced = false

        mutating func index(_ object: Object, _ ref: ObjectRef, add: Bool) {
            for (name, function) in functions {
                for value in function(object) {
                    if add {
                        indexes[name, default: [:]][value, default: []].insert(ref)
                    } else {
                        indexes[name]?[value]?.remove(ref)
                        if indexes[name]?[value]?.isEmpty == true { indexes[name]?[value] = nil }
                    }
                }
            }
        }

        /// Stores `object`, returning the one it replaced.
        mutating func put(_ object: Object, _ ref: ObjectRef) -> Object? {
            let old = objects.updateValue(object, forKey: ref)
            if let old { index(old, ref, add: false) }
            index(object, ref, add: true)
            return old
        }

        mutating func remove(_ ref: ObjectRef) -> Object? {
            guard let old = objects.removeValue(forKey: ref) else { return nil }
            index(old, ref, add: false)
            return old
        }
    }

    public let access: ObjectAccess<Object>
    private let state: Mutex<State>

    public init(access: ObjectAccess<Object>) {
        self.access = access
        var initial = State()
        initial.functions[Self.namespaceIndex] = { object in access.ref(object).namespace.map { [$0] } ?? [] }
        initial.functions[Self.controllerIndex] = { object in access.controllerUID(object).map { [$0] } ?? [] }
        state = Mutex(initial)
    }

    // MARK: Indexes

    /// Registers (or replaces) an index; objects already stored are indexed at once.
    public func addIndex(_ name: String, _ function: @escaping IndexFunction) {
        state.withLock { state in
            state.functions[name] = function
            var values: [String: Set<ObjectRef>] = [:]
            for (ref, object) in state.objects {
                for value in function(object) { values[value, default: []].insert(ref) }
            }
            state.indexes[name] = values
        }
    }

    public var indexNames: [String] { state.withLock { Array($0.functions.keys) } }

    /// The objects whose index `name` yields `value` (empty for an unknown index).
    public func byIndex(_ name: String, _ value: String) -> [Object] {
        state.withLock { state in
            guard let refs = state.indexes[name]?[value] else { return [] }
            return refs.compactMap { state.objects[$0] }
        }
    }

    /// The refs under an index value, for callers that only need keys (a work queue).
    public func refs(index name: String, value: String) -> [ObjectRef] {
        state.withLock { Array($0.indexes[name]?[value] ?? []) }
    }

    /// The values an index currently holds.
    public func indexValues(_ name: String) -> [String] {
        state.withLock { Array(($0.indexes[name] ?? [:]).keys) }
    }

    // MARK: Reads

    public func get(_ ref: ObjectRef) -> Object? {
        state.withLock { $0.objects[ref] }
    }

    public func get(namespace: String?, name: String) -> Object? {
        get(ObjectRef(namespace: namespace, name: name))
    }

    /// Every object, or those of one namespace; in no particular order.
    public func list(namespace: String? = nil) -> [Object] {
        guard let namespace else { return state.withLock { Array($0.objects.values) } }
        return byIndex(Self.namespaceIndex, namespace)
    }

    public var refs: [ObjectRef] { state.withLock { Array($0.objects.keys) } }

    public var count: Int { state.withLock { $0.objects.count } }

    /// True once a complete list has been applied (an informer's first sync).
    public var hasSynced: Bool { state.withLock { $0.synced } }

    // MARK: Writes (the informer's; public for tests and hand-fed caches)

    /// Adds or replaces an object; returns the event it amounts to, nil when the stored object
    /// already has this resourceVersion (a duplicate delivery).
    @discardableResult
    public func upsert(_ object: Object) -> InformerEvent<Object>? {
        let object = access.prepare(object)
        let ref = access.ref(object)
        let version = access.resourceVersion(object)
        return state.withLock { state in
            if let old = state.objects[ref], !version.isEmpty, access.resourceVersion(old) == version { return nil }
            guard let old = state.put(object, ref) else { return .added(object) }
            return .updated(old: old, new: object)
        }
    }

    /// Removes the object with this object's ref; the event carries `object` (its final state).
    @discardableResult
    public func remove(_ object: Object) -> InformerEvent<Object>? {
        let object = access.prepare(object)
        let ref = access.ref(object)
        return state.withLock { state in
            state.remove(ref).map { _ in .deleted(object) }
        }
    }

    /// Replaces the whole content with a fresh list and returns only the real differences:
    /// added, updated when the resourceVersion changed, deleted (with the last stored state) for
    /// objects the list no longer has. The caller marks the store synced once the events have
    /// been handled (`markSynced()`), so that "synced" means handlers have seen everything.
    /// `prepared`: the objects went through `access.prepare` already (the reflector prepares a
    /// list page by page, so a whole list is never held both as decoded and as prepared).
    public func replace(with objects: [Object], prepared alreadyPrepared: Bool = false) -> [InformerEvent<Object>] {
        let prepared = alreadyPrepared ? objects : objects.map { access.prepare($0) }
        return state.withLock { state in
            var events: [InformerEvent<Object>] = []
            var seen = Set<ObjectRef>(minimumCapacity: prepared.count)
            for object in prepared {
                let ref = access.ref(object)
                seen.insert(ref)
                if let old = state.objects[ref] {
                    guard access.resourceVersion(old) != access.resourceVersion(object) else { continue }
                    _ = state.put(object, ref)
                    events.append(.updated(old: old, new: object))
                } else {
                    _ = state.put(object, ref)
                    events.append(.added(object))
                }
            }
            if seen.count < state.objects.count {
                let gone = state.objects.keys.filter { !seen.contains($0) }.sorted()
                for ref in gone {
                    if let old = state.remove(ref) { events.append(.deleted(old)) }
                }
            }
            return events
        }
    }

    public func markSynced() {
        state.withLock { $0.synced = true }
    }
}
