/// Time as the client's rate limiter and retries see it: a monotonic "now" and a sleep, taken
/// from any `Clock` so tests can drive them with a manual clock instead of waiting.
public struct TimeSource: Sendable {
    public let now: @Sendable () -> Duration
    public let sleep: @Sendable (Duration) async throws -> Void
    /// Sleeps until `now()` reaches an absolute deadline. Timers use this rather than
    /// `sleep(deadline - now())`: on a clock a test moves, an advance that lands between reading
    /// `now` and starting the sleep would otherwise push the deadline out by the whole advance.
    public let sleepUntil: @Sendable (Duration) async throws -> Void

    public init<C: Clock>(_ clock: C) where C.Duration == Duration, C: Sendable {
        let origin = clock.now
        now = { origin.duration(to: clock.now) }
        sleep = { duration in
            guard duration > .zero else { return }
            try await clock.sleep(until: clock.now.advanced(by: duration), tolerance: nil)
        }
        sleepUntil = { deadline in
            let instant = origin.advanced(by: deadline)
            guard clock.now < instant else { return }
            try await clock.sleep(until: instant, tolerance: nil)
        }
    }

    /// Explicit functions, e.g. a test's sleep that records the delays and returns at once. The
    /// absolute sleep is derived from the relative one unless given.
    public init(now: @escaping @Sendable () -> Duration, sleep: @escaping @Sendable (Duration) async throws -> Void,
                sleepUntil: (@Sendable (Duration) async throws -> Void)? = nil) {
        self.now = now
        self.sleep = sleep
        self.sleepUntil = sleepUntil ?? { deadline in
            let wait = deadline - now()
            if wait > .zero { try await sleep(wait) }
        }
    }

    public static let continuous = TimeSource(ContinuousClock())
}
