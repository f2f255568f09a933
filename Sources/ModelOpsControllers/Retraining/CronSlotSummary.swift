import Foundation

/// What a controller needs to know about the slots it missed during an outage: how many there were
/// (counted up to a limit, so a year-long outage of `* * * * *` costs nothing) and the latest one,
/// which is the one worth running if any is.
public struct CronSlotSummary: Sendable, Equatable {
    /// Slots in the interval, counted up to the caller's limit.
    public var count: Int
    /// True when there were more slots than `count`: counting stopped at the limit.
    public var isCapped: Bool
    /// The latest slot in the interval, exact even when the count is capped; nil when there is none.
    public var mostRecent: Date?

    public init(count: Int, isCapped: Bool, mostRecent: Date?) {
        self.count = count
        self.isCapped = isCapped
        self.mostRecent = mostRecent
    }
}
