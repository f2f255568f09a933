/// Time as the client's rate limiter and retries see it: a monotonic "now" and a sleep, taken
/// from any `Clock` so tests can drive them with a manual clock instead of waiting.
public struct TimeSource: Sendable {
    public let now: @Sendable () -> Duration
    public let sleep: @Sendable (Duration) async throws -> Void

    public init<C: Clock>(_ clock: C) where C.Duration == Duration, C: Sendable {
        let origin = clock.now
        now = { origin.duration(to: clock.now) }
        sleep = { duration in
            guard duration > .zero else { return }
            try await clock.sleep(until: clock.now.advanced(by: duration), tolerance: nil)
        }
    }

    /// Explicit functions, e.g. a test's sleep that records the delays and returns at once.
    public init(now: @escaping @Sendable () -> Duration, sleep: @escaping @Sendable (Duration) async throws -> Void) {
        self.now = now
        self.sleep = sleep
    }

    public static let continuous = TimeSource(ContinuousClock())
}
