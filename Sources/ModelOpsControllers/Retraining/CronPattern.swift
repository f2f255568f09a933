import KubeCore
/// The time-zone-free meaning of a cron expression: which wall-clock minutes it selects.
///
/// Each field is a bit set (bit n set = value n selected). `dayOfMonthIsStar` / `dayOfWeekIsStar`
/// record whether the field was written as an unstepped `*` or `?`, because cron's day rule depends on
/// the spelling, not on the set: when both day fields are restricted a day matches if *either*
/// matches, otherwise both must (robfig/cron `dayMatches`, which Kubernetes CronJob uses; `*/1`
/// still counts as a star there, `*/2` does not).
struct CronPattern: Sendable, Equatable {
    var minutes: UInt64      // bits 0...59
    var hours: UInt64        // bits 0...23
    var daysOfMonth: UInt64  // bits 1...31
    var months: UInt64       // bits 1...12
    var daysOfWeek: UInt64   // bits 0...6, 0 = Sunday
    var dayOfMonthIsStar: Bool
    var dayOfWeekIsStar: Bool

    /// How far `next`/`previous` search before deciding a pattern never fires. Nine years covers
    /// `0 0 29 2 *` across a century year that is not a leap year (2096 → 2104).
    static let searchHorizonMinutes = 10 * 366 * WallClock.minutesPerDay

    func matchesDay(_ days: Int, dayOfMonth: Int) -> Bool {
        let domMatch = daysOfMonth & (1 << UInt64(dayOfMonth)) != 0
        let dowMatch = daysOfWeek & (1 << UInt64(CivilDate.weekday(days: days))) != 0
        if dayOfMonthIsStar || dayOfWeekIsStar { return domMatch && dowMatch }
        return domMatch || dowMatch
    }

    /// The first selected wall minute at or after `start`, skipping whole months, days and hours
    /// rather than stepping minute by minute. Nil when nothing is selected within the horizon.
    func firstMatch(atOrAfter start: Int) -> Int? {
        var w = start
        let limit = start + Self.searchHorizonMinutes
        while w <= limit {
            let day = WallClock.floorDiv(w, WallClock.minutesPerDay)
            let minuteOfDay = w - day * WallClock.minutesPerDay
            let (year, month, dayOfMonth) = CivilDate.date(days: day)
            if months & (1 << UInt64(month)) == 0 {
                guard let m = Self.lowestBit(months, atOrAbove: month + 1) else {
                    w = CivilDate.days(year: year + 1, month: 1, day: 1) * WallClock.minutesPerDay
                    continue
                }
                w = CivilDate.days(year: year, month: m, day: 1) * WallClock.minutesPerDay
                continue
            }
            if !matchesDay(day, dayOfMonth: dayOfMonth) {
                w = (day + 1) * WallClock.minutesPerDay
                continue
            }
            let hour = minuteOfDay / 60
            guard let h = Self.lowestBit(hours, atOrAbove: hour) else {
                w = (day + 1) * WallClock.minutesPerDay
                continue
            }
            let minute = h == hour ? minuteOfDay % 60 : 0
            guard let m = Self.lowestBit(minutes, atOrAbove: minute) else {
                w = day * WallClock.minutesPerDay + (h + 1) * 60
                continue
            }
            return day * WallClock.minutesPerDay + h * 60 + m
        }
        return nil
    }

    /// The last selected wall minute at or before `end`; the mirror image of `firstMatch`.
    func lastMatch(atOrBefore end: Int) -> Int? {
        var w = end
        let limit = end - Self.searchHorizonMinutes
        while w >= limit {
            let day = WallClock.floorDiv(w, WallClock.minutesPerDay)
            let minuteOfDay = w - day * WallClock.minutesPerDay
            let (year, month, dayOfMonth) = CivilDate.date(days: day)
            if months & (1 << UInt64(month)) == 0 {
                guard let m = Self.highestBit(months, atOrBelow: month - 1) else {
                    w = CivilDate.days(year: year, month: 1, day: 1) * WallClock.minutesPerDay - 1
                    continue
                }
                w = CivilDate.days(year: year, month: m + 1, day: 1) * WallClock.minutesPerDay - 1
                continue
            }
            if !matchesDay(day, dayOfMonth: dayOfMonth) {
                w = day * WallClock.minutesPerDay - 1
                continue
            }
            let hour = minuteOfDay / 60
            guard let h = Self.highestBit(hours, atOrBelow: hour) else {
                w = day * WallClock.minutesPerDay - 1
                continue
            }
            let minute = h == hour ? minuteOfDay % 60 : 59
            guard let m = Self.highestBit(minutes, atOrBelow: minute) else {
                w = day * WallClock.minutesPerDay + h * 60 - 1
                continue
            }
            return day * WallClock.minutesPerDay + h * 60 + m
        }
        return nil
    }

    static func lowestBit(_ set: UInt64, atOrAbove value: Int) -> Int? {
        guard value < 64 else { return nil }
        let rest = set & (UInt64.max << UInt64(max(value, 0)))
        return rest == 0 ? nil : rest.trailingZeroBitCount
    }

    static func highestBit(_ set: UInt64, atOrBelow value: Int) -> Int? {
        guard value >= 0 else { return nil }
        let rest = value >= 63 ? set : set & ((1 << UInt64(value + 1)) - 1)
        return rest == 0 ? nil : 63 - rest.leadingZeroBitCount
    }
}
