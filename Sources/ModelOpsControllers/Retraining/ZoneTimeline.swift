import Foundation

/// How the wall clock of one IANA zone maps onto instants, and back, across offset changes.
///
/// The one rule everything follows: **a wall minute W fires at the first instant at which the
/// zone's clock reads W or later.** That single sentence gives every daylight-saving behaviour the
/// schedule promises:
/// - an ordinary minute fires when the clock shows it;
/// - a minute repeated by a fall-back fires at its first occurrence only (the clock already read it);
/// - a minute skipped by a spring-forward fires at the end of the gap, the first instant the clock
///   reads past it; several skipped minutes (and the minute right after the gap) land on the same
///   instant and so run once.
/// The map is non-decreasing in W, which is what lets `CronSchedule` translate "first slot after an
/// instant" into "first selected wall minute after a wall bound" without scanning.
///
/// Offsets come from `TimeZone.secondsFromGMT(for:)` and the transitions between them from
/// `nextDaylightSavingTimeTransition(after:)`, which on Linux (ICU) reports every offset change, not
/// only daylight-saving ones (Europe/Moscow 2014, Pacific/Apia's skipped day in 2011).
struct ZoneTimeline: Sendable {
    let zone: TimeZone

    /// A stretch of time with one UTC offset: instants in `[start, end)`.
    struct Segment {
        var start: Double  // -infinity for the first segment of a window
        var end: Double    // +infinity for the last
        var offset: Int
    }

    /// No real zone's offset changes by more than a day at once, and offsets stay within ±14 h, so
    /// looking 36 hours either side of a point sees every transition that can matter to it.
    static let margin: Double = 36 * 3600

    /// The offset segments that cover `[from, to]`, in order.
    func segments(from: Double, to: Double) -> [Segment] {
        var result: [Segment] = []
        var current = Segment(start: -.infinity, end: .infinity,
                              offset: zone.secondsFromGMT(for: Date(timeIntervalSince1970: from)))
        var cursor = Date(timeIntervalSince1970: from)
        // A handful of transitions at most in three days; the cap guards against a misbehaving tz database.
        for _ in 0..<16 {
            guard let transition = zone.nextDaylightSavingTimeTransition(after: cursor),
                  transition.timeIntervalSince1970 <= to,
                  transition > cursor
            else { break }
            let at = transition.timeIntervalSince1970
            let offset = zone.secondsFromGMT(for: transition)
            cursor = transition
            if offset == current.offset { continue }
            current.end = at
            result.append(current)
            current = Segment(start: at, end: .infinity, offset: offset)
        }
        result.append(current)
        return result
    }

    /// The instant (seconds since 1970) at which wall minute `wall` fires: the first instant whose
    /// wall-clock reading is at or after it.
    func firstInstant(reaching wall: Int) -> Double {
        let wallSeconds = Double(wall) * 60
        var best = Double.infinity
        for segment in segments(from: wallSeconds - Self.margin, to: wallSeconds + Self.margin) {
            let occurrence = wallSeconds - Double(segment.offset)
            if occurrence >= segment.start && occurrence < segment.end {
                best = min(best, occurrence)  // the clock shows `wall` during this segment
            } else if segment.start + Double(segment.offset) > wallSeconds {
                best = min(best, segment.start)  // the segment starts already past `wall`
            }
        }
        return best
    }

    /// The smallest wall minute whose firing instant is strictly after `instant`.
    ///
    /// A wall minute has fired by `instant` exactly when the clock has read it (or later) at some
    /// moment up to `instant`. That is: at `instant` itself, or before a fall-back within the margin,
    /// when the clock briefly read further ahead than it does now.
    func firstUnreachedWall(after instant: Double) -> Int {
        let segments = segments(from: instant - Self.margin, to: instant)
        guard let last = segments.last else { return 0 }
        var bound = Int(((instant + Double(last.offset)) / 60).rounded(.down)) + 1
        for segment in segments.dropLast() {
            // The clock read up to (not including) end + offset during this earlier segment.
            let reached = ((segment.end + Double(segment.offset)) / 60).rounded(.up)
            bound = max(bound, Int(reached))
        }
        return bound
    }
}
