import Foundation
import KubeCore
import KubeClient
import ModelOpsControllers
import Synchronization

/// Real time plus an offset that can be moved forward: short waits (retry backoffs, the
/// simulator's 50 ms readiness) pass on their own as in production, long ones (a 10-minute
/// pause, a nightly schedule) are skipped with `advance(by:)`, which wakes every sleeper whose
/// deadline it passed. The wall clock starts at `start` and moves with the same offset. Shared
/// by the end-to-end tests and `modelops-bench` (whose `schedule` jumps to the minute its
/// policies are due): give it to the operator as `operatorClock`, and to the API test server.
public final class AdvancingClock: Sendable {
    private struct Sleeper {
        var continuation: CheckedContinuation<Void, any Error>
        var timer: Task<Void, Never>?
    }

    private struct State {
        var offset: Duration = .zero
        var sleepers: [UInt64: Sleeper] = [:]
        var nextID: UInt64 = 0
    }

    public let origin = ContinuousClock.now
    public let start: Date
    private let state = Mutex(State())

    public init(start: Date) {
        self.start = start
    }

    /// Monotonic time: real elapsed time plus every advance.
    public func monotonic() -> Duration {
        origin.duration(to: .now) + state.withLock { $0.offset }
    }

    public func wallNow() -> Date {
        start.addingTimeInterval(monotonic().timeInterval)
    }

    public var operatorClock: OperatorClock {
        OperatorClock(now: { [self] in wallNow() },
                      time: TimeSource(now: { [self] in monotonic() }, sleep: { [self] in try await sleep($0) },
                                       sleepUntil: { [self] in try await sleep(until: $0) }))
    }

    /// Moves time forward, waking sleepers to check their deadlines.
    public func advance(by duration: Duration) {
        let woken = state.withLock { state -> [Sleeper] in
            state.offset += duration
            defer { state.sleepers.removeAll() }
            return Array(state.sleepers.values)
        }
        for sleeper in woken {
            sleeper.timer?.cancel()
            sleeper.continuation.resume()
        }
    }

    /// Moves the wall clock to `date` (no-op when it is already past).
    public func advance(to date: Date) {
        let delta = date.timeIntervalSince(wallNow())
        if delta > 0 { advance(by: .nanoseconds(Int64(delta * 1e9))) }
    }

    public func sleep(_ duration: Duration) async throws {
        try await sleep(until: monotonic() + duration)
    }

    /// Sleeps until monotonic time reaches `deadline` (an advance past it wakes the sleeper).
    public func sleep(until deadline: Duration) async throws {
        while true {
            try Task.checkCancellation()
            let remaining = deadline - monotonic()
            if remaining <= .zero { return }
            let id = state.withLock { state -> UInt64 in
                state.nextID += 1
                return state.nextID
            }
            try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                    state.withLock { $0.sleepers[id] = Sleeper(continuation: continuation, timer: nil) }
                    // Registered first, then checked: an advance or a cancellation that came in
                    // between computing `remaining` and registering is not missed.
                    if Task.isCancelled {
                        wake(id, error: CancellationError())
                    } else if monotonic() >= deadline {
                        wake(id, error: nil)
                    } else {
                        let timer = Task { [self] in
                            try? await Task.sleep(for: remaining)
                            wake(id, error: nil)
                        }
                        state.withLock { $0.sleepers[id]?.timer = timer }
                    }
                }
            } onCancel: {
                wake(id, error: CancellationError())
            }
        }
    }

    private func wake(_ id: UInt64, error: (any Error)?) {
        guard let sleeper = state.withLock({ $0.sleepers.removeValue(forKey: id) }) else { return }
        sleeper.timer?.cancel()
        if let error { sleeper.continuation.resume(throwing: error) } else { sleeper.continuation.resume() }
    }
}
