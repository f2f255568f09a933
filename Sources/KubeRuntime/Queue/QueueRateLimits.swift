/// How fast a work queue lets failing keys come back: client-go's `DefaultControllerRateLimiter`,
/// the larger of a per-key exponential backoff (`baseDelay` doubling per consecutive failure, up
/// to `maxDelay`) and one token bucket shared by every key (`qps` refill, `burst` capacity).
/// The per-key part keeps one broken object from hot-looping; the bucket keeps a failure that hits
/// every object at once (an API outage) from turning into a thundering herd of retries.
public struct QueueRateLimits: Sendable, Equatable {
    /// Delay after the first failure of a key.
    public var baseDelay: Duration
    /// Cap of the per-key backoff.
    public var maxDelay: Duration
    /// Refill rate of the shared bucket; `<= 0` switches the bucket off.
    public var qps: Double
    /// Capacity of the shared bucket (retries that may go at once after a quiet spell).
    public var burst: Int

    public init(baseDelay: Duration = .milliseconds(5), maxDelay: Duration = .seconds(1000),
                qps: Double = 10, burst: Int = 100) {
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.qps = qps
        self.burst = burst
    }

    /// client-go's defaults: 5 ms doubling to 1000 s per key, 10 qps with a burst of 100 overall.
    public static let `default` = QueueRateLimits()
}
