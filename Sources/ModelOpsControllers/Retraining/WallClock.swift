import KubeCore

/// Proleptic-Gregorian civil-time arithmetic on "wall minutes": minutes counted from
/// 1970-01-01 00:00 on a clock that has no time zone.
///
/// The schedule engine reasons about what a wall clock *shows* separately from which instant it
/// shows it at (that mapping, with its daylight-saving gaps and repeats, is `ZoneTimeline`'s job).
/// Doing the calendar part with plain integers keeps it exact, allocation-free and fast, and lets the
/// tests' brute-force reference use Foundation's `Calendar` as an independent implementation.
enum WallClock {
    static let minutesPerDay = 1440

    // Calendar arithmetic itself is KubeCore's `CivilDate`.

    /// Floor division, so that minutes before 1970 land on the right day.
    static func floorDiv(_ a: Int, _ b: Int) -> Int {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }
}
