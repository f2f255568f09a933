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
        // Bookmarks, the initial-events-end one included, only for a client that allows them
        // (golden 059: a plain watch, streamed by default, ends its ADDEDs with no bookmark).
        if setup.sendInitialEventsBookmark, setup.bookmarks {
            sendBookmark(initialEventsEnd: true)
        }
        let started = ContinuousClock.now
        let deadline = started + setup.timeout
        let interval = setup.bookmarkInterval
        // Scheduled from the watch's start, not from when the task first runs (late on a busy machine).
        let first = setup.bookmarks ? Self.nextBookmark(after: started, interval: interval, deadline: deadline) : nil
        let task = Task { [weak self] in
            var next = first
            while !Task.isCancelled {
                try? await Task.sleep(until: next ?? deadline, clock: .continuous)
                if Task.isCancelled { return }
                let now = ContinuousClock.now
                // A bookmark that fell due is sent even when this task woke late, past the end.
                if let due = next, now >= due {
                    self?.sendBookmark(initialEventsEnd: false)
                    next = Self.nextBookmark(after: now, interval: interval, deadline: deadline)
                }
                if now >= deadline { break }
            }
            self?.stop()
        }
        state.withLock { $0.timers = task }
    }

    /// When the next bookmark is due (the watch cache's `nextBookmarkTime`): after the interval,
    /// but no later than 2 s before the watch times out, so the client resumes from a fresh
    /// resourceVersion (goldens 126, 128: a bookmark ~1 s into a 3 s watch); none once that
    /// moment has passed (129: none in a 2 s watch).
    static func nextBookmark(after now: ContinuousClock.Instant, interval: Duration,
                             deadline: ContinuousClock.Instant) -> ContinuousClock.Instant? {
        let due = min(now + interval, deadline - .seconds(2))
        return due > now ? due : nil
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

    /// A BOOKMARK: an object of the watched kind with nothing set but kind, apiVersion and
    /// metadata (resourceVersion, and for the end of a streaming list's initial events its
    /// annotation). For a built-in kind that is its typed zero value as Go writes it (the field
    /// manager's empty object), after the internal → v1 conversion, which gives a Deployment
    /// `replicas: 0` (golden 127); for a custom resource the bare object (057, 130); a
    /// ConfigMap's has nothing more (126, 128, 129).
    private func sendBookmark(initialEventsEnd: Bool) {
        var metadata: JSON = ["resourceVersion": .string(String(store.resourceVersion))]
        if initialEventsEnd { metadata["annotations"] = ["k8s.io/initial-events-end": "true"] }
        let resource = setup.resource
        var members: [String: JSON] = [:]
        if resource.isBuiltin {
            members = MergeSchema.builtin(group: resource.group, kind: resource.kind).emptyObject.objectValue ?? [:]
            if resource.group == "apps", resource.kind == "Deployment" { members["spec"]?["replicas"] = 0 }
        }
        members["apiVersion"] = .string(resource.apiVersion)
        members["kind"] = .string(resource.kind)
        members["metadata"] = metadata
        let object = JSON.object(members)
        var line: [UInt8] = Array(#"{"type":"BOOKMARK","object":"#.utf8)
        line.append(contentsOf: StoredObject.serialize(object).bytes)
        line.append(UInt8(ascii: "}"))
        sendLine(line)
    }
}

extension APIServer {
    func watch(_ request: APIRequest, target: ResourceTarget, options: ListQuery) throws -> APIResponse {
        let resource = target.resource
        let filter = try filter(request, target: target)
        let table: Bool
        if case .table = try outputFormat(request) { table = true } else { table = false }
        let rvText = options.resourceVersion
        let start: ObjectStore.WatchStart
        if options.sendInitialEvents == true {
            // A streaming list (128–130): the current state, then what follows.
            start = .currentState
        } else if rvText.isEmpty || rvText == "0" {
            start = .now
        } else if let rv = Int64(rvText) {
            start = .after(rv)
        } else {
            throw APIError.badRequest("invalid resource version: \(rvText)")
        }
        let timeoutSeconds = request.query["timeoutSeconds"].flatMap { Int($0) } ?? Int.random(in: 1800...3600)
        let setup = WatchStream.Setup(
            resource: resource, filter: filter, start: start, timeout: .seconds(max(1, timeoutSeconds)),
            bookmarks: options.allowWatchBookmarks, bookmarkInterval: configuration.bookmarkInterval,
            table: table, sendInitialEventsBookmark: options.sendInitialEvents == true, now: configuration.now)
        let stream = WatchStream(setup: setup, store: store,
                                 present: { [self] in presentBytes($0, as: resource) },
                                 presentJSON: { [self] in present($0.object, as: resource) })
        return .watch(stream)
    }
}
