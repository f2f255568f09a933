import Foundation
import KubeCore
import KubeClient
import ModelOpsControllers
import Synchronization

/// The playground's one clock, read by the API server (creation and status times), the operator
/// (pauses, analysis intervals, schedules) and the simulated Prometheus (sample times); the
/// workload simulator runs its delays at the same `speed`. It runs `speed` times faster than real
/// time, so a 10-minute canary pause takes ten real seconds at the default 60.
///
/// It shows `start` and stands still until `begin()` (the playground calls it when the first
/// ModelOps object is created): a newcomer may read the README for minutes before applying the
/// examples, and the examples' nightly schedule must still fall a simulated minute after they do.
final class PlaygroundClock: Sendable {
    let speed: Double
    let start: Date

    private struct Waiter {
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var began: ContinuousClock.Instant?
        var waiters: [UInt64: Waiter] = [:]
        var nextID: UInt64 = 0
    }

    private let state = Mutex(State())

    init(speed: Double, start: Date) {
        self.speed = speed
        self.start = start
    }

    /// The most recent 01:29:00 UTC at or before `now`: a simulated minute before the
    /// end-to-end example's nightly retrain (`30 1 * * *` UTC), on a day near the real one.
    static func defaultStart(now: Date) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        var parts = calendar.dateComponents([.year, .month, .day], from: now)
        parts.hour = 1
        parts.minute = 29
        let today = calendar.date(from: parts) ?? now
        return today <= now ? today : today.addingTimeInterval(-86_400)
    }

    /// Starts the clock; true the first time (later calls do nothing).
    @discardableResult
    func begin() -> Bool {
        let woken = state.withLock { state -> [Waiter]? in
            guard state.began == nil else { return nil }
            state.began = .now
            defer { state.waiters.removeAll() }
            return Array(state.waiters.values)
        }
        guard let woken else { return false }
        for waiter in woken { waiter.continuation.resume() }
        return true
    }

    var isRunning: Bool { state.withLock { $0.began != nil } }

    /// Sleepers waiting for `begin()`.
    var waiting: Int { state.withLock { $0.waiters.count } }

    /// Simulated time since `begin()` (zero before).
    func elapsed() -> Duration {
        guard let began = state.withLock({ $0.began }) else { return .zero }
        return began.duration(to: .now) * speed
    }

    /// The simulated wall-clock time.
    func now() -> Date {
        start.addingTimeInterval(elapsed().timeInterval)
    }

    /// Sleeps until `elapsed()` reaches `deadline`: first until the clock runs, then the
    /// remaining simulated time divided by `speed`.
    func sleep(until deadline: Duration) async throws {
        try await waitUntilRunning()
        while true {
            let remaining = deadline - elapsed()
            if remaining <= .zero { return }
            try await Task.sleep(for: remaining / speed)
        }
    }

    /// The operator's view: wall time for status, this clock's elapsed time for queue timers.
    var operatorClock: OperatorClock {
        OperatorClock(now: { [self] in now() },
                      time: TimeSource(now: { [self] in elapsed() },
                                       sleep: { [self] in try await sleep(until: elapsed() + $0) },
                                       sleepUntil: { [self] in try await sleep(until: $0) }))
    }

    private func waitUntilRunning() async throws {
        if isRunning { return }
        let id = state.withLock { state -> UInt64 in
            state.nextID += 1
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let resumeNow = state.withLock { state -> Bool in
                    if state.began != nil { return true }
                    state.waiters[id] = Waiter(continuation: continuation)
                    return false
                }
                if resumeNow { continuation.resume() }
                // Cancelled before registering: the handler found nothing to remove.
                else if Task.isCancelled { cancel(id) }
            }
        } onCancel: {
            cancel(id)
        }
    }

    private func cancel(_ id: UInt64) {
        let waiter = state.withLock { $0.waiters.removeValue(forKey: id) }
        waiter?.continuation.resume(throwing: CancellationError())
    }

}
