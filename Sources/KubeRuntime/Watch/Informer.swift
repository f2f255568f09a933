import KubeClient
import KubeCore
import Synchronization

/// A cache of one kind kept current by a list-then-watch loop, with handlers told of every
/// change (client-go's SharedIndexInformer, kube-rs's reflector + watcher).
///
/// ```swift
/// let informer = Informer(client.resource(ConfigMap.self, namespace: "ops"))
/// informer.addHandler(InformerHandler(onAdd: { queue.add($0) }, onUpdate: { queue.add($1) }, onDelete: { queue.add($0) }))
/// let task = Task { await informer.run() }
/// await informer.waitForSync()
/// ```
///
/// Every change is applied to `store` and then handed to the handlers (and event streams) in the
/// order the changes happened, one at a time, under one delivery lock; so a handler that reads
/// the store sees at least the state its event describes, and no object's events are reordered.
/// After a relist (410, broken stream) handlers see only real differences.
public final class Informer<Object: Sendable>: Sendable {
    public let resource: ResourceClient<Object>
    public let options: InformerOptions
    public let store: IndexedStore<Object>

    private struct Delivery {
        var handlers: [(id: Int, handler: InformerHandler<Object>)] = []
        var nextID = 0
    }

    private struct SyncState {
        var synced = false
        var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
        var cancelled: Set<Int> = []
        var nextID = 0
    }

    private let delivery = Mutex(Delivery())
    private let sync = Mutex(SyncState())
    private let statistics = Mutex(InformerStats())
    private let running = Mutex(false)

    public init(_ resource: ResourceClient<Object>, options: InformerOptions = InformerOptions(), access: ObjectAccess<Object>) {
        // The cache never keeps managedFields (typed metadata drops them, `ObjectAccess.json`
        // strips them): its lists and watches skip them while parsing instead of building them.
        var resource = resource
        resource.dropsManagedFields = true
        self.resource = resource
        self.options = options
        store = IndexedStore(access: access)
    }

    // MARK: Handlers

    /// Adds a handler. Objects already in the cache are replayed to it as adds first (as
    /// client-go does), so a late handler sees the same world as an early one.
    @discardableResult
    public func addHandler(_ handler: InformerHandler<Object>) -> Int {
        delivery.withLock { delivery in
            let id = delivery.nextID
            delivery.nextID += 1
            delivery.handlers.append((id, handler))
            for object in sortedObjects() { handler.handle(.added(object)) }
            return id
        }
    }

    public func removeHandler(_ id: Int) {
        delivery.withLock { $0.handlers.removeAll { $0.id == id } }
    }

    @discardableResult
    public func onAdd(_ handle: @escaping @Sendable (Object) -> Void) -> Int {
        addHandler(InformerHandler(onAdd: handle))
    }

    @discardableResult
    public func onUpdate(_ handle: @escaping @Sendable (_ old: Object, _ new: Object) -> Void) -> Int {
        addHandler(InformerHandler(onUpdate: handle))
    }

    @discardableResult
    public func onDelete(_ handle: @escaping @Sendable (Object) -> Void) -> Int {
        addHandler(InformerHandler(onDelete: handle))
    }

    /// The changes as a stream (objects already cached first, as adds). The buffer is unbounded,
    /// so a slow consumer costs memory rather than losing events.
    public func events() -> AsyncStream<InformerEvent<Object>> {
        let (stream, continuation) = AsyncStream.makeStream(of: InformerEvent<Object>.self)
        let id = addHandler(InformerHandler { continuation.yield($0) })
        continuation.onTermination = { [weak self] _ in self?.removeHandler(id) }
        return stream
    }

    private func sortedObjects() -> [Object] {
        let access = store.access
        return store.list().sorted { access.ref($0) < access.ref($1) }
    }

    // MARK: Sync

    /// True once the first complete list is in the cache and handlers have seen it.
    public var hasSynced: Bool { sync.withLock { $0.synced } }

    /// Returns once synced, or when the calling task is cancelled.
    public func waitForSync() async {
        let id = sync.withLock { state in
            defer { state.nextID += 1 }
            return state.nextID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = sync.withLock { state in
                    if state.synced || state.cancelled.remove(id) != nil { return true }
                    state.waiters[id] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let waiter = sync.withLock { state -> CheckedContinuation<Void, Never>? in
                if let waiter = state.waiters.removeValue(forKey: id) { return waiter }
                state.cancelled.insert(id)
                return nil
            }
            waiter?.resume()
        }
    }

    private func markSynced() {
        let waiters = sync.withLock { state -> [CheckedContinuation<Void, Never>] in
            guard !state.synced else { return [] }
            state.synced = true
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume() }
    }

    public var stats: InformerStats { statistics.withLock { $0 } }

    // MARK: Running

    /// Lists, watches and keeps the cache current until the calling task is cancelled. A second
    /// concurrent call returns at once (one loop per informer).
    public func run() async {
        guard running.withLock({ running in
            defer { running = true }
            return !running
        }) else { return }
        defer { running.withLock { $0 = false } }
        let reflector = Reflector(resource: resource, options: options, resourceVersionOf: store.access.resourceVersion,
                                  prepare: store.access.prepare, stats: { [self] update in statistics.withLock { update(&$0) } })
        await reflector.run { self.apply($0) }
    }

    private func apply(_ change: Reflector<Object>.Delivery) {
        var listed = false
        delivery.withLock { delivery in
            let events: [InformerEvent<Object>]
            switch change {
            case .listStarted:
                store.beginList()
                events = []
            case let .listed(items, sources):
                events = store.applyListed(items, prepared: true, sources: sources)
            case .listEnded:
                events = store.endList()
                listed = true
            case let .event(.added(object), source), let .event(.modified(object), source):
                events = store.upsert(object, source: source).map { [$0] } ?? []
            case let .event(.deleted(object), _):
                events = store.remove(object).map { [$0] } ?? []
            case .event(.bookmark, _), .event(.undecodable, _):
                events = []
            }
            for event in events {
                for entry in delivery.handlers { entry.handler.handle(event) }
            }
        }
        if listed {
            store.markSynced()
            markSynced()
        }
    }
}

extension Informer where Object: KubeResource {
    /// An informer of a typed kind.
    public convenience init(_ resource: ResourceClient<Object>, options: InformerOptions = InformerOptions()) {
        self.init(resource, options: options, access: .typed)
    }
}

extension Informer where Object == JSON {
    /// An informer of any kind as `JSON` (managedFields stripped before caching).
    public convenience init(_ resource: ResourceClient<Object>, options: InformerOptions = InformerOptions()) {
        self.init(resource, options: options, access: .json)
    }
}
