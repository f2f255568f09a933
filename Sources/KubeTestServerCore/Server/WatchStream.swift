import Foundation
import KubeCore
import Synchronization

/// One open watch: newline-delimited JSON events, each handed to the transport as soon as it
/// happens, ended by `timeoutSeconds`, by the client going away, or by the server dropping watches.
public final class WatchStream: Sendable {
    struct Setup: Sendable {
        var resource: ResourceType
        var filter: ObjectFilter
        var start: ObjectStore.WatchStart
        var timeout: Duration
        var bookmarks: Bool
        var bookmarkInterval: Duration
        var table: Bool
        var sendInitialEventsBookmark: Bool
        var now: @Sendable () -> Date
    }

    struct State {
        var watcherID: Int?
        var finished = false
        var sentColumns = false
        var timers: Task<Void, Never>?
        var sink: (@Sendable ([UInt8]) -> Void)?
        var finish: (@Sendable () -> Void)?
    }

    let setup: Setup
    let store: ObjectStore
    let state = Mutex(State())
    let present: @Sendable (StoredObject) -> [UInt8]
    let presentJSON: @Sendable (StoredObject) -> JSON

    init(setup: Setup, store: ObjectStore, present: @escaping @Sendable (StoredObject) -> [UInt8],
         presentJSON: @escaping @Sendable (StoredObject) -> JSON) {
        self.setup = setup
        self.store = store
        self.present = present
        self.presentJSON = presentJSON
    }

    /// Starts delivering: `send` gets one complete event line at a time (in order, never
    /// concurrently with itself), `finish` once at the end.
    public func start(send: @escaping @Sendable ([UInt8]) -> Void, finish: @escaping @Sendable () -> Void) {
        state.withLock {
            $0.sink = send
            $0.finish = finish
        }
        let watcher = ObjectStore.Watcher(
            storageKey: setup.resource.storageKey, filter: setup.filter,
            deliver: { [weak self] kind, object in self?.emit(kind.rawValue, object) },
            close: { [weak self] in self?.stop() })
        do {
            let id = try store.watch(watcher, from: setup.start)
            let stopNow = state.withLock { state -> Bool in
                state.watcherID = id
                return state.finished
            }
            if stopNow { store.cancelWatch(id) }
        } catch let .tooOld(requested, oldest) {
            let error = APIError.gone("too old resource version: \(requested) (\(oldest))")
            sendLine(JSON.object(["type": "ERROR", "object": error.status]).serialized())
            stop()
            return
        } catch {
            stop()
            return
        }
        if setup.sendInitialEventsBookmark {
            sendBookmark(initialEventsEnd: true)
        }
        let timeout = setup.timeout
        let interval = setup.bookmarks ? setup.bookmarkInterval : nil
        let task = Task { [weak self] in
            let deadline = ContinuousClock.now + timeout
            // The real server's watch cache also sends a bookmark two seconds before the watch's
            // deadline (cacheWatcher.nextBookmarkTime), so a client that times out resumes from
            // a recent resourceVersion; none when the watch is shorter than that (golden 057, 126-128).
            var preTimeout: ContinuousClock.Instant? = deadline - .seconds(2)
            while !Task.isCancelled {
                let now = ContinuousClock.now
                if now >= deadline { break }
                if let t = preTimeout, t <= now { preTimeout = nil }
                var next = deadline
                if let interval {
                    next = min(next, now + interval)
                    if let preTimeout { next = min(next, preTimeout) }
                }
                try? await Task.sleep(until: next, clock: .continuous)
                if Task.isCancelled { return }
                let woke = ContinuousClock.now
                if interval != nil, woke < deadline {
                    self?.sendBookmark(initialEventsEnd: false)
                    if let t = preTimeout, woke >= t { preTimeout = nil }
                }
            }
            self?.stop()
        }
        state.withLock { $0.timers = task }
    }

    /// Ends the watch (client gone, timeout, or server side).
    public func stop() {
        let (id, finish, timers) = state.withLock { state -> (Int?, (@Sendable () -> Void)?, Task<Void, Never>?) in
            if state.finished { return (nil, nil, nil) }
            state.finished = true
            let result = (state.watcherID, state.finish, state.timers)
            state.sink = nil
            state.finish = nil
            state.timers = nil
            return result
        }
        if let id { store.cancelWatch(id) }
        timers?.cancel()
        finish?()
    }

    private func sendLine(_ line: [UInt8]) {
        var line = line
        line.append(0x0a)
        state.withLock { state in
            guard !state.finished else { return }
            state.sink?(line)
        }
    }

    private func emit(_ type: String, _ object: StoredObject) {
        if setup.table {
            let needsColumns = state.withLock { state -> Bool in
                defer { state.sentColumns = true }
                return !state.sentColumns
            }
            var table = TableBuilder(resource: setup.resource, now: setup.now())
                .table(objects: [presentJSON(object)], listMeta: ["resourceVersion": .string(String(object.resourceVersion))],
                       includeObject: "Metadata")
            if !needsColumns { table["columnDefinitions"] = .null }
            sendLine(JSON.object(["type": .string(type), "object": table]).serialized())
            return
        }
        var line: [UInt8] = Array("{\"type\":\"\(type)\",\"object\":".utf8)
        line.append(contentsOf: present(object))
        line.append(UInt8(ascii: "}"))
        sendLine(line)
    }

    private func sendBookmark(initialEventsEnd: Bool) {
        var metadata: JSON = ["resourceVersion": .string(String(store.resourceVersion))]
        if initialEventsEnd { metadata["annotations"] = ["k8s.io/initial-events-end": "true"] }
        let object: JSON = ["apiVersion": .string(setup.resource.apiVersion), "kind": .string(setup.resource.kind), "metadata": metadata]
        sendLine(JSON.object(["type": "BOOKMARK", "object": object]).serialized())
    }
}

extension APIServer {
    func watch(_ request: APIRequest, target: ResourceTarget) throws -> APIResponse {
        let resource = target.resource
        let filter = try filter(request, target: target)
        let table: Bool
        if case .table = try outputFormat(request) { table = true } else { table = false }
        let rvText = request.query["resourceVersion"] ?? ""
        let sendInitial = isTrue(request.query["sendInitialEvents"])
        let start: ObjectStore.WatchStart
        if sendInitial || rvText.isEmpty || rvText == "0" {
            start = .currentState
        } else if let rv = Int64(rvText) {
            start = .after(rv)
        } else {
            throw APIError.badRequest("invalid resource version: \(rvText)")
        }
        if sendInitial, request.query["resourceVersionMatch"] != "NotOlderThan" {
            throw APIError(code: 422, reason: "Invalid",
                           message: "ListOptions.meta.k8s.io \"\" is invalid: resourceVersionMatch: Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan",
                           details: ["group": "meta.k8s.io", "kind": "ListOptions"])
        }
        let timeoutSeconds = request.query["timeoutSeconds"].flatMap { Int($0) } ?? Int.random(in: 1800...3600)
        let setup = WatchStream.Setup(
            resource: resource, filter: filter, start: start, timeout: .seconds(max(1, timeoutSeconds)),
            bookmarks: isTrue(request.query["allowWatchBookmarks"]), bookmarkInterval: configuration.bookmarkInterval,
            table: table, sendInitialEventsBookmark: sendInitial, now: configuration.now)
        let stream = WatchStream(setup: setup, store: store,
                                 present: { [self] in presentBytes($0, as: resource) },
                                 presentJSON: { [self] in present($0.object, as: resource) })
        return .watch(stream)
    }
}
