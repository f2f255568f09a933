import Foundation
import ModelOpsControllers
import ModelOpsTesting

/// The tests' clock: `AdvancingClock` starting on a fixed day, so that dates in assertions and
/// schedules do not depend on when the tests run.
typealias TestClock = AdvancingClock

extension AdvancingClock {
    convenience init() {
        self.init(start: Date(timeIntervalSince1970: 1_795_000_000))  // 2026-11-18, a fixed day
    }
}
