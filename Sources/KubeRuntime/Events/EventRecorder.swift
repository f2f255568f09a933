import Foundation
import KubeClient
import KubeCore
import Logging

/// Records events.k8s.io/v1 Events about objects, aggregating repeats the way client-go's
/// events broadcaster does: the first occurrence creates an Event; a repeat (same regarding
/// object, related object, type, reason, action and note) within `seriesWindow` joins its
/// `series` instead of creating another. Series updates are batched: at most one PATCH per
/// Event per `flushInterval`, carrying the count accumulated meanwhile, so a reconcile failing
/// in a hot loop costs a bounded number of API writes however often it records.
///
/// Recording never blocks and never throws: occurrences go to one background task that keeps
/// the aggregation cache in the order they arrived and creates new Events concurrently (at most
/// `concurrentCreates` at once), and a failed write is logged (an Event is a diagnostic, never
/// worth failing a reconcile over).
public final class EventRecorder: Sendable {
    public let options: EventRecorderOptions
    private let continuation: AsyncStream<Message>.Continuation
    private let worker: Task<Void, Never>

    enum Message: Sendable {
        case occurrence(EventKey, stamp: String, at: Duration)
        case created(EventKey, name: String, error: (any Error)?)
        case flushDue
        case flush(CheckedContinuation<Void, Never>)
    }

    public init(client: KubeClient, options: EventRecorderOptions,
                logger: Logger = Logger(label: "modelops.events")) {
        self.options = options
        let (stream, continuation) = AsyncStream<Message>.makeStream()
        self.continuation = continuation
        let writer = EventWriter(client: client, options: options, logger: logger, wake: continuation)
        worker = Task {
            for await message in stream {
                await writer.handle(message)
            }
            await writer.flushAll()
        }
    }

    deinit {
        continuation.finish()
    }

    /// Records one occurrence. `note` is cut to the API's 1024 bytes; reason and action to 128.
    public func record(regarding: EventReference, related: EventReference? = nil, type: EventType,
                       reason: String, action: String, note: String) {
        var regarding = regarding
        regarding.resourceVersion = nil  // a new resourceVersion is still the same object
        var related = related
        related?.resourceVersion = nil
        let key = EventKey(regarding: regarding, related: related, type: type,
                           reason: Self.truncate(reason, bytes: EventRecorderOptions.maxFieldLength),
                           action: Self.truncate(action, bytes: EventRecorderOptions.maxFieldLength),
                           note: Self.truncate(note, bytes: EventRecorderOptions.maxNoteBytes))
        continuation.yield(.occurrence(key, stamp: MicroTime(options.wallClock()).rfc3339, at: options.time.now()))
    }

    /// Records one occurrence about a typed object.
    public func record<K: KubeResource>(_ object: K, type: EventType, reason: String, action: String, note: String) {
        record(regarding: EventReference(object), type: type, reason: reason, action: action, note: note)
    }

    /// Writes everything recorded so far, including series counts still waiting for their
    /// interval (for shutdown, and for tests that look at the server).
    public func flush() async {
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            if case .terminated = continuation.yield(.flush(done)) { done.resume() }
        }
    }

    /// Flushes and stops the background writer; later records are dropped.
    public func shutdown() async {
        continuation.finish()
        await worker.value
    }

    /// Cuts `text` to at most `bytes` UTF-8 bytes without splitting a character.
    static func truncate(_ text: String, bytes: Int) -> String {
        guard text.utf8.count > bytes else { return text }
        var result = ""
        var used = 0
        for character in text {
            let size = character.utf8.count
            guard used + size <= bytes else { break }
            result.append(character)
            used += size
        }
        return result
    }
}
