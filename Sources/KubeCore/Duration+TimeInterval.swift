import Foundation

extension Duration {
    /// The duration in fractional seconds, as Foundation's dates count them: the one conversion
    /// every module uses (deadlines, pauses, cooldowns, clocks, rate limiters).
    public var timeInterval: TimeInterval {
        let (seconds, attoseconds) = components
        return TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
    }
}
