import KubeCore
import Synchronization

/// A thread-safe cache of one kind's objects, keyed by `ObjectRef`, with indexes: by namespace,
/// by controller owner uid, and custom ones registered by name (client-go's `cache.Indexer`).
///
/// Reads never wait for handlers: the store has its own lock, held only for the map operations.
/// Objects are kept after `ObjectAccess.prepare` (managedFields stripped) and, when the access
/// says how, packed (`ObjectAccess.packing`): a cache lives as long as the operator and memory
/// per object is what limits scale. Reads unpack a copy; what a reader does with it never
/// touches the cache.
public final class IndexedStore<Object: Sendable>: Sendable {
    public typealias IndexFunction = @Sendable (Object) -> [String]

    /// Index of objects by `metadata.namespace` (cluster-scoped objects are not in it).
    public static var namespaceIndex: String { "namespace" }
    /// Index of objects by the uid of their controller owner reference.
    public static var controllerIndex: String { "controller" }

    /// An object as the store holds it: the value itself, or packed (`ObjectAccess.packing`).
    /// The value is boxed so that a dictionary of packed objects does not reserve a large typed
    /// object's size in every bucket.
    enum Stored: Sendable {
        indirect case value(Object)
        case packed([UInt8])
    }

    struct Entry: Sendable {
        var stored: Stored
        var resourceVersion: String
    }

    struct State {
        var objects: [ObjectRef: Entry] = [:]
        var functions: [String: IndexFunction] = [:]
        /// index name → value → refs.
        var indexes: [String: [String: IndexedRefs]] = [:]
        var synced = false
        /// The refs of the list in progress (`beginList` … `endList`).
        var listing: Set<ObjectRef>?
        /// Told of every object stored and (with nil) every ref removed, under the store's lock
        /// (`observeWrites`).
        var observers: [@Sendable (ObjectRef, Object?) -> Void] = []

        /// `ref` with its namespace's storage shared with the refs already held (the namespace
        /// index's key): a namespace longer than 15 bytes is a heap string, and every object
        /// read from the server brings its own copy of it.
        func sharingNamespace(_ ref: ObjectRef) -> ObjectRef {
            guard let namespace = ref.namespace, let refs = indexes[IndexedStore.namespaceIndex],
                  let index = refs.index(forKey: namespace) else { return ref }
            var shared = ref
            shared.namespace = refs.keys[index]
            return shared
        }

        mutating func index(_ object: Object, _ ref: ObjectRef, add: Bool) {
            for (name, function) in functions {
                for value in function(object) {
                    if add {
                        indexes[name, default: [:]].insert(ref, under: value)
                    } else {
                        indexes[name]?.remove(ref, under: value)
                    }
                }
            }
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

    // MARK: Packing

    /// The entry for `object`: packed from `source` where the access packs trees, else packed
    /// from the object, else the object as it is.
    private func entry(_ object: Object, source: JSON? = nil) -> Entry {
        let fromSource = source.flatMap { source in access.packing?.packSource?(source) }
        let stored: Stored = (fromSource ?? access.packing.flatMap { $0.pack(object) }).map { .packed($0) } ?? .value(object)
        return Entry(stored: stored, resourceVersion: access.resourceVersion(object))
    }

    private func unpack(_ stored: Stored) -> Object {
        switch stored {
        case let .value(object): return object
        case let .packed(bytes):
            guard let packing = access.packing, let object = packing.unpack(bytes) else {
                // The store packed these bytes itself: a kind whose Codable does not read back
                // what it wrote is a programming error, not a state to carry on in.
                preconditionFailure("the cache could not unpack an object it packed")
            }
            return object
        }
    }

    /// Stores `entry` for `object`, returning the one it replaced (unpacked).
    private func put(_ object: Object, _ entry: Entry, _ ref: ObjectRef, in state: inout State) -> Object? {
        let old = state.objects.updateValue(entry, forKey: ref).map { unpack($0.stored) }
        if let old { state.index(old, ref, add: false) }
        state.index(object, ref, add: true)
        for observer in state.observers { observer(ref, object) }
        return old
    }

    private func remove(_ ref: ObjectRef, in state: inout State) -> Object? {
        guard let old = state.objects.removeValue(forKey: ref) else { return nil }
        let object = unpack(old.stored)
        state.index(object, ref, add: false)
        for observer in state.observers { observer(ref, nil) }
        return object
    }

    // MARK: Indexes

    /// Registers (or replaces) an index; objects already stored are indexed at once.
    public func addIndex(_ name: String, _ function: @escaping IndexFunction) {
        state.withLock { state in
            state.functions[name] = function
            var values: [String: IndexedRefs] = [:]
            for (ref, entry) in state.objects {
                for value in function(unpack(entry.stored)) { values.insert(ref, under: value) }
            }
            state.indexes[name] = values
        }
    }

    public var indexNames: [String] { state.withLock { Array($0.functions.keys) } }

    /// Calls `observer` with every object stored from now on and with nil for every ref removed,
    /// under the store's lock, so that what it keeps is never behind the store; the objects
    /// already stored are handed to it first. It must be quick and must not call the store.
    public func observeWrites(_ observer: @escaping @Sendable (ObjectRef, Object?) -> Void) {
        state.withLock { state in
            state.observers.append(observer)
            for (ref, entry) in state.objects { observer(ref, unpack(entry.stored)) }
        }
    }

    /// The objects whose index `name` yields `value` (empty for an unknown index).
    public func byIndex(_ name: String, _ value: String) -> [Object] {
        let stored = state.withLock { state -> [Stored] in
            guard let refs = state.indexes[name]?[value] else { return [] }
            return refs.refs.compactMap { state.objects[$0]?.stored }
        }
        return stored.map(unpack)
    }

    /// The refs under an index value, for callers that only need keys (a work queue).
    public func refs(index name: String, value: String) -> [ObjectRef] {
        state.withLock { $0.indexes[name]?[value]?.refs ?? [] }
    }

    /// The values an index currently holds.
    public func indexValues(_ name: String) -> [String] {
        state.withLock { Array(($0.indexes[name] ?? [:]).keys) }
    }

    // MARK: Reads

    public func get(_ ref: ObjectRef) -> Object? {
        state.withLock { $0.objects[ref]?.stored }.map(unpack)
    }

    public func get(namespace: String?, name: String) -> Object? {
        get(ObjectRef(namespace: namespace, name: name))
    }

    /// Whether an object is cached, without unpacking it.
    public func contains(_ ref: ObjectRef) -> Bool {
        state.withLock { $0.objects[ref] != nil }
    }

    /// The cached resourceVersion of an object, without unpacking it.
    public func resourceVersion(of ref: ObjectRef) -> String? {
        state.withLock { $0.objects[ref]?.resourceVersion }
    }

    /// Every object, or those of one namespace; in no particular order.
    public func list(namespace: String? = nil) -> [Object] {
        guard let namespace else { return state.withLock { $0.objects.values.map(\.stored) }.map(unpack) }
        return byIndex(Self.namespaceIndex, namespace)
    }

    public var refs: [ObjectRef] { state.withLock { Array($0.objects.keys) } }

    public var count: Int { state.withLock { $0.objects.count } }

    /// Bytes the packed objects hold (their payloads; 0 for a store that does not pack).
    public var packedByteCount: Int {
        state.withLock { state in
            state.objects.values.reduce(0) { total, entry in
                if case let .packed(bytes) = entry.stored { return total + bytes.count }
                return total
            }
        }
    }

    /// True once a complete list has been applied (an informer's first sync).
    public var hasSynced: Bool { state.withLock { $0.synced } }

    // MARK: Writes (the informer's; public for tests and hand-fed caches)

    /// Adds or replaces an object; returns the event it amounts to, nil when the stored object
    /// already has this resourceVersion (a duplicate delivery). `source`: the tree the object
    /// was read from (a watch event's, `ResourceClient.watchWithSources`), packed in its place
    /// when the access packs trees, as `applyListed` does with a list page's.
    @discardableResult
    public func upsert(_ object: Object, source: JSON? = nil) -> InformerEvent<Object>? {
        let object = access.prepare(object)
        let ref = access.ref(object)
        let entry = entry(object, source: source)
        return state.withLock { state in
            if let old = state.objects[ref], !entry.resourceVersion.isEmpty, old.resourceVersion == entry.resourceVersion { return nil }
            let ref = state.sharingNamespace(ref)
            guard let old = put(object, entry, ref, in: &state) else { return .added(object) }
            return .updated(old: old, new: object)
        }
    }

    /// Removes the object with this object's ref; the event carries `object` (its final state).
    @discardableResult
    public func remove(_ object: Object) -> InformerEvent<Object>? {
        let object = access.prepare(object)
        let ref = access.ref(object)
        return state.withLock { state in
            remove(ref, in: &state).map { _ in .deleted(object) }
        }
    }

    /// Replaces the whole content with a fresh list and returns only the real differences:
    /// added, updated when the resourceVersion changed, deleted (with the last stored state) for
    /// objects the list no longer has. The caller marks the store synced once the events have
    /// been handled (`markSynced()`), so that "synced" means handlers have seen everything.
    /// `prepared`: the objects went through `access.prepare` already.
    public func replace(with objects: [Object], prepared alreadyPrepared: Bool = false) -> [InformerEvent<Object>] {
        beginList()
        return applyListed(objects, prepared: alreadyPrepared) + endList()
    }

    /// A list starts (or starts over): `applyListed` adds its pages, `endList` removes what it
    /// did not contain. The reflector hands a list over page by page, so that a list is never
    /// held whole in decoded form: each page is packed before the next one is read.
    public func beginList() {
        state.withLock { $0.listing = [] }
    }

    /// One page of the list in progress: added, or updated when the resourceVersion changed.
    /// `sources`: the trees the objects were decoded from (`ObjectList.sources`), packed in
    /// their place when the access packs trees (`ObjectPacking.packSource`).
    public func applyListed(_ objects: [Object], prepared alreadyPrepared: Bool = false,
                            sources: [JSON]? = nil) -> [InformerEvent<Object>] {
        let prepared = alreadyPrepared ? objects : objects.map { access.prepare($0) }
        let sources = sources?.count == prepared.count ? sources : nil
        let entries = prepared.indices.map { i in
            let object = prepared[i]
            return (object: object, ref: access.ref(object), entry: entry(object, source: sources?[i]))
        }
        return state.withLock { state in
            var events: [InformerEvent<Object>] = []
            events.reserveCapacity(entries.count)
            for (object, ref, entry) in entries {
                let ref = state.sharingNamespace(ref)
                state.listing?.insert(ref)
                if let old = state.objects[ref], old.resourceVersion == entry.resourceVersion { continue }
                if let old = put(object, entry, ref, in: &state) {
                    events.append(.updated(old: old, new: object))
                } else {
                    events.append(.added(object))
                }
            }
            return events
        }
    }

    /// The list is complete: objects it did not contain are deleted (each event carries the last
    /// stored state).
    public func endList() -> [InformerEvent<Object>] {
        state.withLock { state in
            // No list in progress (no `beginList`): nothing is known to be gone.
            guard let seen = state.listing else { return [] }
            state.listing = nil
            guard seen.count < state.objects.count else { return [] }
            var events: [InformerEvent<Object>] = []
            for ref in state.objects.keys.filter({ !seen.contains($0) }).sorted() {
                if let old = remove(ref, in: &state) { events.append(.deleted(old)) }
            }
            return events
        }
    }

    public func markSynced() {
        state.withLock { $0.synced = true }
    }
}
