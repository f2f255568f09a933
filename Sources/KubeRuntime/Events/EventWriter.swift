import Foundation
import KubeClient
import KubeCore
import Logging

/// The recorder's background half: the aggregation cache and the API writes, touched only by
/// the recorder's single worker task (so it needs no lock), in the order occurrences arrived.
/// New Events are created by tasks of their own, at most `concurrentCreates` at once and the
/// rest queued in order; each reports back through the worker's stream, so the cache is still
/// changed by the worker alone. Repeats that arrive while their Event is being created count
/// towards its series, which is written once the Event exists.
final class EventWriter: @unchecked Sendable {
    private let options: EventRecorderOptions
    private let logger: Logger
    private let events: @Sendable (String) -> ResourceClient<JSON>
    private let wake: AsyncStream<EventRecorder.Message>.Continuation
    private var cache: [EventKey: EventSeriesEntry] = [:]
    /// Keys whose count has grown past what the server has.
    private var pending: Set<EventKey> = []
    private var timerDue: Duration?
    private var timer: Task<Void, Never>?
    private var lastNameStamp: Int64 = 0
    /// Creates waiting for a free slot, oldest first.
    private var queued = KeyFIFO<Create>()
    /// Creates on their way, by Event name.
    private var inFlight: [String: Flight] = [:]
    private var lastSequence = 0
    /// Flushes waiting for every create up to their sequence number to finish.
    private var flushes: [(upTo: Int, done: CheckedContinuation<Void, Never>)] = []

    /// A create on its way; its task answers the error, if any.
    struct Flight {
        var key: EventKey
        var sequence: Int
        var task: Task<(any Error)?, Never>
    }

    /// A new Event to create.
    struct Create: Sendable {
        var key: EventKey
        var name: String
        var namespace: String
        var body: JSON
        var sequence: Int
    }

    static let resource = ResourceInfo(group: "events.k8s.io", version: "v1", kind: "Event", plural: "events",
                                       namespaced: true)

    init(client: KubeClient, options: EventRecorderOptions, logger: Logger,
         wake: AsyncStream<EventRecorder.Message>.Continuation) {
        self.options = options
        self.logger = logger
        self.wake = wake
        events = { client.dynamic(Self.resource, namespace: $0) }
    }

    func handle(_ message: EventRecorder.Message) async {
        switch message {
        case let .occurrence(key, stamp, at):
            await occurred(key, stamp: stamp, at: at)
        case let .created(key, name, error):
            // Absent: `flushAll` already took this report from the task itself.
            guard inFlight.removeValue(forKey: name) != nil else { break }
            startQueued()
            await created(key, name: name, error: error)
        case .flushDue:
            timerDue = nil
            await writeDue(force: false)
        case let .flush(done):
            flushes.append((lastSequence, done))
        }
        await settleFlushes()
        armTimer()
    }

    /// After the worker's stream ended: waits for every create (their reports can no longer
    /// arrive through the stream), then writes every pending series.
    func flushAll() async {
        timer?.cancel()
        while let (name, flight) = inFlight.first {
            let error = await flight.task.value
            inFlight[name] = nil
            startQueued()
            await created(flight.key, name: name, error: error)
        }
        await writeDue(force: true)
        for flush in flushes { flush.done.resume() }
        flushes = []
    }

    // MARK: Aggregation

    private func occurred(_ key: EventKey, stamp: String, at now: Duration) async {
        if var entry = cache[key], entry.creating || now - entry.lastObserved <= options.seriesWindow {
            entry.count += 1
            entry.lastObserved = now
            entry.lastObservedStamp = stamp
            cache[key] = entry
            pending.insert(key)
            if !entry.creating, now - entry.lastWrite >= options.flushInterval {
                await writeSeries(key)
            }
            return
        }
        pending.remove(key)
        cache[key] = nil
        evictIfFull(now: now)
        let namespace = key.regarding.namespace.isEmpty ? "default" : key.regarding.namespace
        let name = eventName(for: key.regarding.name)
        lastSequence += 1
        cache[key] = EventSeriesEntry(name: name, namespace: namespace, count: 1, writtenCount: 0, lastObserved: now,
                                      lastWrite: now, lastObservedStamp: stamp, creating: true)
        queued.append(Create(key: key, name: name, namespace: namespace,
                             body: body(key, name: name, namespace: namespace, eventTime: stamp, series: nil),
                             sequence: lastSequence))
        startQueued()
    }

    /// Starts queued creates while there are free slots.
    private func startQueued() {
        while inFlight.count < max(1, options.concurrentCreates), let create = queued.popFirst() {
            let events = self.events
            let wake = self.wake
            let task = Task { () -> (any Error)? in
                var failure: (any Error)?
                do {
                    _ = try await events(create.namespace).create(create.body)
                } catch {
                    failure = error
                }
                wake.yield(.created(create.key, name: create.name, error: failure))
                return failure
            }
            inFlight[create.name] = Flight(key: create.key, sequence: create.sequence, task: task)
        }
    }

    /// A create finished: the Event exists (its repeats so far are written when their interval
    /// has passed), or it failed and is forgotten, so the next occurrence tries again.
    private func created(_ key: EventKey, name: String, error: (any Error)?) async {
        guard var entry = cache[key], entry.name == name, entry.creating else { return }  // evicted meanwhile
        if let error {
            cache[key] = nil
            pending.remove(key)
            var metadata = eventMetadata(key, error)
            if entry.count > 1 { metadata["occurrences"] = "\(entry.count)" }
            logger.warning("could not record event", metadata: metadata)
            return
        }
        entry.creating = false
        entry.writtenCount = 1
        cache[key] = entry
        if pending.contains(key), options.time.now() - entry.lastWrite >= options.flushInterval {
            await writeSeries(key)
        }
    }

    /// Resumes the flushes whose creates have all finished, after writing every pending series.
    private func settleFlushes() async {
        guard !flushes.isEmpty else { return }
        let oldestOpen = min(inFlight.values.map(\.sequence).min() ?? Int.max, queued.first?.sequence ?? Int.max)
        guard flushes.contains(where: { $0.upTo < oldestOpen }) else { return }
        await writeDue(force: true)
        let ready = flushes.filter { $0.upTo < oldestOpen }
        flushes.removeAll { $0.upTo < oldestOpen }
        for flush in ready { flush.done.resume() }
    }

    /// Writes the series of every pending Event whose interval has passed (all, if `force`).
    private func writeDue(force: Bool) async {
        let now = options.time.now()
        for key in pending {
            guard let entry = cache[key] else {
                pending.remove(key)
                continue
            }
            if !entry.creating, force || now - entry.lastWrite >= options.flushInterval {
                await writeSeries(key)
            }
        }
    }

    private func writeSeries(_ key: EventKey) async {
        guard var entry = cache[key], !entry.creating else { return }
        pending.remove(key)
        entry.lastWrite = options.time.now()
        let series: JSON = ["count": .int(Int64(entry.count)), "lastObservedTime": .string(entry.lastObservedStamp)]
        let patch: JSON = ["series": series]
        do {
            _ = try await events(entry.namespace).patch(entry.name, .merge(patch.serialized()))
            entry.writtenCount = entry.count
        } catch let error where error.isNotFound {
            // The Event expired on the server (its TTL) while the series went on: start over
            // with a new Event that carries the series so far.
            let name = eventName(for: key.regarding.name)
            do {
                _ = try await events(entry.namespace).create(body(key, name: name, namespace: entry.namespace,
                                                                   eventTime: entry.lastObservedStamp, series: series))
                entry.name = name
                entry.writtenCount = entry.count
            } catch {
                logger.warning("could not record event", metadata: eventMetadata(key, error))
            }
        } catch {
            // Keep the count: the next interval's write carries it.
            pending.insert(key)
            logger.warning("could not update event series", metadata: eventMetadata(key, error))
        }
        cache[key] = entry
    }

    /// Makes sure a wake-up comes when the earliest pending series is due.
    private func armTimer() {
        var earliest: Duration?
        for key in pending {
            guard let entry = cache[key], !entry.creating else { continue }
            let due = entry.lastWrite + options.flushInterval
            earliest = earliest.map { min($0, due) } ?? due
        }
        guard let earliest else { return }
        if let timerDue, timerDue <= earliest { return }
        timer?.cancel()
        timerDue = earliest
        let delay = earliest - options.time.now()
        let time = options.time
        let wake = self.wake
        timer = Task {
            do {
                try await time.sleep(delay)
            } catch {
                return
            }
            wake.yield(.flushDue)
        }
    }

    /// Makes room before a new series is added. Expired series go first; if the cache is still
    /// full, the least recently seen quarter goes with them. Evicting down to three quarters
    /// costs one O(n log n) pass per `cacheLimit / 4` new series: evicting just one made every
    /// new Event of a busy operator sort the whole cache (at 10,000 objects that pass took most
    /// of the operator's CPU).
    private func evictIfFull(now: Duration) {
        guard cache.count >= options.cacheLimit else { return }
        // An Event still being created stays: repeats may already have joined its series.
        cache = cache.filter { $0.value.creating || now - $0.value.lastObserved <= options.seriesWindow }
        let keep = options.cacheLimit - max(1, options.cacheLimit / 4)
        if cache.count > keep {
            let oldest = cache.filter { !$0.value.creating }.sorted { $0.value.lastObserved < $1.value.lastObserved }
                .prefix(cache.count - keep)
            for (key, _) in oldest { cache[key] = nil }
        }
        pending = pending.filter { cache[$0] != nil }
    }

    // MARK: Wire shape

    /// client-go's name: the object's name and the time in hex nanoseconds, kept strictly
    /// increasing so two Events in one nanosecond cannot collide.
    private func eventName(for objectName: String) -> String {
        var stamp = Int64((options.wallClock().timeIntervalSince1970 * 1_000_000_000).rounded(.down))
        if stamp <= lastNameStamp { stamp = lastNameStamp + 1 }
        lastNameStamp = stamp
        let suffix = "." + String(stamp, radix: 16)
        return String(objectName.prefix(253 - suffix.count)) + suffix
    }

    private func body(_ key: EventKey, name: String, namespace: String, eventTime: String, series: JSON?) -> JSON {
        var event: JSON = [
            "apiVersion": "events.k8s.io/v1", "kind": "Event",
            "metadata": ["name": .string(name), "namespace": .string(namespace)],
            "eventTime": .string(eventTime),
            "reportingController": .string(options.reportingController),
            "reportingInstance": .string(options.reportingInstance),
            "action": .string(key.action), "reason": .string(key.reason), "type": .string(key.type.rawValue),
            "note": .string(key.note),
            "regarding": key.regarding.json,
        ]
        if let related = key.related { event["related"] = related.json }
        if let series { event["series"] = series }
        return event
    }

    private func eventMetadata(_ key: EventKey, _ error: any Error) -> Logger.Metadata {
        ["reason": "\(key.reason)", "kind": "\(key.regarding.kind)", "namespace": "\(key.regarding.namespace)",
         "name": "\(key.regarding.name)", "error": "\(error)"]
    }
}
