import KubeClient
import Synchronization

/// A `TimeSource` that moves only when a test advances it. Unlike an instant sleep, a sleeper here
/// really suspends until time reaches its deadline, so tests can see what is waiting and when.
final class ManualTime: Sendable {
    private struct Sleeper {
        var id: UInt64
        var deadline: Duration
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var now: Duration = .zero
        var sleepers: [Sleeper] = []
        var nextID: UInt64 = 0
    }

    private let state = Mutex(State())

    var source: TimeSource {
        TimeSource(now: { self.now }, sleep: { try await self.sleep($0) }, sleepUntil: { try await self.sleep(until: $0) })
    }

    var now: Duration { state.withLock { $0.now } }

    /// Deadlines of the sleepers currently suspended, earliest first.
    var pendingDeadlines: [Duration] { state.withLock { $0.sleepers.map(\.deadline).sorted() } }

    func advance(by duration: Duration) {
        let due = state.withLock { state in
            state.now += duration
            let now = state.now
            let due = state.sleepers.filter { $0.deadline <= now }
            state.sleepers.removeAll { $0.deadline <= now }
            return due
        }
        for sleeper in due { sleeper.continuation.resume() }
    }

    func sleep(_ duration: Duration) async throws {
        try await sleep(relative: duration, absolute: nil)
    }

    func sleep(until deadline: Duration) async throws {
        try await sleep(relative: nil, absolute: deadline)
    }

    /// One of `relative` (counted from now, under the lock) or `absolute`.
    private func sleep(relative: Duration?, absolute: Duration?) async throws {
        let id = state.withLock { state in
            state.nextID += 1
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let immediate: Result<Void, any Error>? = state.withLock { state in
                    if Task.isCancelled { return .failure(CancellationError()) }
                    let deadline = absolute ?? state.now + (relative ?? .zero)
                    if deadline <= state.now { return .success(()) }
                    state.sleepers.append(Sleeper(id: id, deadline: deadline, continuation: continuation))
                    return nil
                }
                if let immediate { continuation.resume(with: immediate) }
            }
        } onCancel: {
            let cancelled = state.withLock { state in
                state.sleepers.firstIndex { $0.id == id }.map { state.sleepers.remove(at: $0) }
            }
            cancelled?.continuation.resume(throwing: CancellationError())
        }
    }
}

struct ConditionTimedOut: Error, CustomStringConvertible {
    var what: String
    var description: String { "timed out waiting for \(what)" }
}

/// Waits (wall clock, at most 10 s) until `condition` holds: for state that another task reaches
/// asynchronously, such as a worker parking in `get` or the queue's timer task going to sleep.
func waitUntil(_ what: String, _ condition: () -> Bool) async throws {
    let deadline = ContinuousClock.now + .seconds(10)
    while !condition() {
        if ContinuousClock.now >= deadline { throw ConditionTimedOut(what: what) }
        try await Task.sleep(for: .milliseconds(1))
    }
}

/// A value shared between a test and the tasks it starts.
final class Shared<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>
    init(_ value: Value) { mutex = Mutex(value) }
    var value: Value { mutex.withLock { $0 } }
    func update<R: Sendable>(_ body: (inout Value) -> R) -> R { mutex.withLock { body(&$0) } }
}
