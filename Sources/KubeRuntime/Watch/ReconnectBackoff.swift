/// The delay before reconnecting after a failed list or watch: client-go's reflector backoff.
/// It starts at `initial`, doubles per consecutive failure up to `maximum`, and adds up to
/// `jitter` × itself at random so that many informers (or operators) do not reconnect in step.
/// Once a connection has stayed up for `resetAfter` since the last retry, the next failure starts
/// from `initial` again: a server blip an hour after a bad patch must not cost 30 s.
public struct ReconnectBackoff: Sendable, Equatable {
    public var initial: Duration = .milliseconds(800)
    public var maximum: Duration = .seconds(30)
    public var factor: Double = 2
    /// Extra random delay as a fraction of the base delay (client-go: 1.0, so [d, 2d)).
    public var jitter: Double = 1
    public var resetAfter: Duration = .seconds(120)

    public init() {}

    /// The state of one reconnecting loop.
    struct Tracker: Sendable {
        let policy: ReconnectBackoff
        private(set) var current: Duration?
        /// When the last retry began (after its wait), the start of the current healthy period.
        private(set) var lastRetry: Duration?

        init(_ policy: ReconnectBackoff) { self.policy = policy }

        /// The delay for a failure at `now`; `random` in [0, 1).
        mutating func next(now: Duration, random: Double) -> Duration {
            if let lastRetry, now - lastRetry >= policy.resetAfter { current = nil }
            let base: Duration
            if let current {
                base = min(policy.maximum, current * policy.factor)
            } else {
                base = min(policy.maximum, policy.initial)
            }
            current = base
            return base + base * (policy.jitter * max(0, min(1, random)))
        }

        /// Marks the moment the wait ended and the retry started.
        mutating func retrying(now: Duration) {
            lastRetry = now
        }
    }
}
