import Foundation
import KubeClient

/// Time as the controllers see it: a wall clock for everything written into status (step start
/// times, pause ends, schedule slots) and a monotonic `TimeSource` for the work queue's delayed
/// keys (`requeueAfter`). Both come from one place so a test can move them together and run a
/// 24-hour schedule or a 10-minute pause in milliseconds.
public struct OperatorClock: Sendable {
    /// The wall-clock time now.
    public let now: @Sendable () -> Date
    /// Monotonic time and sleep for the work queues.
    public let time: TimeSource

    public init(now: @escaping @Sendable () -> Date, time: TimeSource) {
        self.now = now
        self.time = time
    }

    /// The real clocks.
    public static let system = OperatorClock(now: { Date() }, time: .continuous)
}
