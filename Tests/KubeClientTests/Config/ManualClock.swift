import Synchronization

/// A clock that only moves when a test says so, for token re-reads and credential expiry.
struct ManualClock: Clock {
    struct Instant: InstantProtocol {
        var offset: Duration
        func advanced(by duration: Duration) -> Instant { Instant(offset: offset + duration) }
        func duration(to other: Instant) -> Duration { other.offset - offset }
        static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.offset < rhs.offset }
    }

    private final class State: Sendable {
        let now = Mutex<Duration>(.zero)
    }

    private let state = State()

    var now: Instant { Instant(offset: state.now.withLock { $0 }) }
    var minimumResolution: Duration { .zero }

    func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        state.now.withLock { $0 = max($0, deadline.offset) }
    }

    func advance(by duration: Duration) {
        state.now.withLock { $0 += duration }
    }
}
