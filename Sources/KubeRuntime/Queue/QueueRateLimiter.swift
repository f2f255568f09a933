import KubeCore

/// The arithmetic of `QueueRateLimits`, as a value the work queue keeps under its own lock (so a
/// retry's delay and its enqueueing are one atomic step). Mirrors client-go's
/// `MaxOfRateLimiter(ItemExponentialFailureRateLimiter, BucketRateLimiter)`: asking for a delay
/// counts a failure of the key *and* takes a token from the bucket, and the longer wait wins.
struct QueueRateLimiter<Key: Hashable> {
    let limits: QueueRateLimits
    /// Consecutive failures per key since its last `forget`.
    private(set) var failures: [Key: Int] = [:]
    private var tokens: Double
    private var last: Duration?

    init(_ limits: QueueRateLimits) {
        self.limits = limits
        tokens = Double(max(1, limits.burst))
    }

    /// The delay before `key` may be retried, counting this as one more failure.
    mutating func when(_ key: Key, now: Duration) -> Duration {
        let exponent = failures[key, default: 0]
        failures[key] = exponent + 1
        return max(Self.backoff(exponent: exponent, limits: limits), reserve(now: now))
    }

    /// Resets the key's backoff (after it was handled successfully).
    mutating func forget(_ key: Key) {
        failures.removeValue(forKey: key)
    }

    func numRequeues(_ key: Key) -> Int {
        failures[key, default: 0]
    }

    /// `baseDelay · 2^exponent`, capped at `maxDelay`; computed in floating point first so a long
    /// failure streak saturates instead of overflowing.
    static func backoff(exponent: Int, limits: QueueRateLimits) -> Duration {
        let seconds = limits.baseDelay.timeInterval * Double.pow2(exponent)
        guard seconds.isFinite, seconds < limits.maxDelay.timeInterval, exponent < 62 else { return limits.maxDelay }
        return min(limits.baseDelay * (1 << exponent), limits.maxDelay)
    }

    /// Takes a token (going into debt if none is left, like `rate.Limiter.Reserve`) and returns
    /// how long until that token would have been there.
    private mutating func reserve(now: Duration) -> Duration {
        guard limits.qps > 0 else { return .zero }
        let burst = Double(max(1, limits.burst))
        if let last {
            tokens = min(burst, tokens + max(0, (now - last).timeInterval) * limits.qps)
        }
        last = now
        tokens -= 1
        guard tokens < 0 else { return .zero }
        return .seconds(-tokens / limits.qps)
    }
}


private extension Double {
    static func pow2(_ exponent: Int) -> Double {
        exponent >= 1024 ? .infinity : Double(sign: .plus, exponent: exponent, significand: 1)
    }
}
