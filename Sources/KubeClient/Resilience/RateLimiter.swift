import KubeCore
import Synchronization

/// Client-side token bucket (QPS and burst), as client-go's flowcontrol limiter: a request takes a
/// token or waits for one. Reservations are made under a lock and the wait happens outside it, so
/// callers queue fairly without holding anything while they sleep.
public final class RateLimiter: Sendable {
    public let qps: Double
    public let burst: Int
    private let time: TimeSource
    private let state: Mutex<(tokens: Double, last: Duration)>

    /// `qps <= 0` disables limiting.
    public init(qps: Double, burst: Int, time: TimeSource = .continuous) {
        self.qps = qps
        self.burst = max(1, burst)
        self.time = time
        state = Mutex((Double(max(1, burst)), time.now()))
    }

    /// How long the caller must wait before its request may go; the token is taken now.
    func reserve() -> Duration {
        guard qps > 0 else { return .zero }
        let now = time.now()
        return state.withLock { state in
            let elapsed = (now - state.last).timeInterval
            state.tokens = min(Double(burst), state.tokens + max(0, elapsed) * qps)
            state.last = now
            state.tokens -= 1
            if state.tokens >= 0 { return .zero }
            return .nanoseconds(Int64((-state.tokens / qps) * 1e9))
        }
    }

    /// Waits for a token.
    public func acquire() async throws {
        let wait = reserve()
        if wait > .zero { try await time.sleep(wait) }
    }
}
