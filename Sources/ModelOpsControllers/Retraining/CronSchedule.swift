import Foundation
import KubeCore
import Synchronization

/// A cron schedule evaluated on the wall clock of an IANA time zone: the engine behind
/// RetrainPolicy's `spec.schedule` / `spec.timeZone`, its missed-run accounting and
/// `status.nextScheduleTime`.
///
/// Syntax is what Kubernetes CronJob accepts (see `CronParser` for the details and the few
/// deliberate refusals). Time is evaluated as follows, and the sequence of slots is always strictly
/// increasing:
/// - Each selected wall-clock minute fires at **the first instant at which the zone's clock reads that
///   minute or later** (see `ZoneTimeline`).
/// - Spring forward: minutes inside the gap fire once, at the first instant after the gap (02:30 on a
///   night that jumps 02:00 → 03:00 runs at 03:00), and all of the gap's minutes together with 03:00
///   itself collapse into that single run.
/// - Fall back: a repeated minute fires once, at its first occurrence; the second pass through the
///   hour runs nothing that already ran.
/// - Zones without daylight saving (UTC, Asia/Kolkata) behave like a plain clock.
///
/// `next` and `previous` never step minute by minute: they skip non-matching months, days and hours,
/// so even a schedule that fires once every four years (`0 0 29 2 *`) is found in microseconds.
/// Schedules that can never fire (`0 0 30 2 *`) return nil.
public struct CronSchedule: Sendable, Equatable, CustomStringConvertible {
    /// The expression as the user wrote it.
    public let expression: String
    /// The IANA zone identifier the schedule is evaluated in.
    public let timeZoneIdentifier: String
    let pattern: CronPattern
    let timeline: ZoneTimeline

    /// Parses `expression` and resolves `timeZone` (an IANA name such as "Europe/London"; "UTC" by
    /// default).
    ///
    /// Throws a `CronError` naming the field and the problem, e.g.
    /// `minute field "61": value 61 out of range 0-59`, `expected 5 fields, found 6`,
    /// `unknown time zone "Mars/Olympus"`.
    public init(_ expression: String, timeZone: String = "UTC") throws(CronError) {
        self.pattern = try CronParser.parse(expression)
        self.timeline = ZoneTimeline(zone: try Self.resolveZone(timeZone))
        self.expression = expression
        self.timeZoneIdentifier = timeZone
    }

    /// `init`, remembered: every pass of a policy reads its schedule twice (validation, then the
    /// planner), and parsing it each time was 1 % of the operator's CPU over 10,000 policies,
    /// which mostly share a few schedules. Only ASCII text is remembered (Swift compares strings
    /// by canonical equivalence: a Kelvin sign would find "K"); up to 1,024 schedules, then the
    /// memory starts over.
    public static func parsed(_ expression: String, timeZone: String = "UTC") throws(CronError) -> CronSchedule {
        let key = MemoKey(expression: expression, timeZone: timeZone)
        let remembered = key.isASCII
        if remembered, let known = memo.withLock({ $0[key] }) { return try known.get() }
        let result: Result<CronSchedule, CronError>
        do {
            result = .success(try CronSchedule(expression, timeZone: timeZone))
        } catch {
            result = .failure(error)
        }
        if remembered {
            memo.withLock { memo in
                if memo.count >= 1_024 { memo.removeAll() }
                memo[key] = result
            }
        }
        return try result.get()
    }

    private struct MemoKey: Hashable {
        var expression: String
        var timeZone: String
        var isASCII: Bool { expression.isASCII && timeZone.isASCII }
    }

    private static let memo = Mutex<[MemoKey: Result<CronSchedule, CronError>]>([:])

    public var description: String { "\(expression) (\(timeZoneIdentifier))" }

    public static func == (a: CronSchedule, b: CronSchedule) -> Bool {
        a.pattern == b.pattern && a.timeZoneIdentifier == b.timeZoneIdentifier
    }

    /// The first slot strictly after `instant`, or nil if the schedule never fires again (within
    /// about nine years, or before year 10000).
    public func next(after instant: Date) -> Date? {
        let t = instant.timeIntervalSince1970
        guard Self.supportedInstants.contains(t) else { return nil }
        var wall = timeline.firstUnreachedWall(after: t)
        // By construction the first try lands after `t`; the loop only guards against a tz database
        // that disagrees with itself, and is bounded.
        for _ in 0..<4 {
            guard let match = pattern.firstMatch(atOrAfter: wall) else { return nil }
            let slot = timeline.firstInstant(reaching: match)
            guard slot.isFinite, slot <= Self.supportedInstants.upperBound else { return nil }
            if slot > t { return Date(timeIntervalSince1970: slot) }
            wall = match + 1
        }
        return nil
    }

    /// The latest slot at or before `instant` (a slot exactly at `instant` counts), or nil if there
    /// was none in the previous nine years or so.
    public func previous(atOrBefore instant: Date) -> Date? {
        let t = instant.timeIntervalSince1970
        guard Self.supportedInstants.contains(t) else { return nil }
        var wall = timeline.firstUnreachedWall(after: t) - 1
        for _ in 0..<4 {
            guard let match = pattern.lastMatch(atOrBefore: wall) else { return nil }
            let slot = timeline.firstInstant(reaching: match)
            guard slot.isFinite else { return nil }
            if slot <= t { return Date(timeIntervalSince1970: slot) }
            wall = match - 1
        }
        return nil
    }

    /// The slots in `(start, end]`: those that fell due after `start` (typically the last time the
    /// controller scheduled a run) up to and including `end` (now).
    ///
    /// Counting stops at `limit` (with `isCapped` set) so a long outage of a frequent schedule stays
    /// cheap; `mostRecent` is exact regardless, because that is the run a controller may still start.
    public func slots(after start: Date, upTo end: Date, limit: Int) -> CronSlotSummary {
        guard start < end else { return CronSlotSummary(count: 0, isCapped: false, mostRecent: nil) }
        var count = 0
        var latest: Date?
        var cursor = start
        while count < max(limit, 0) {
            guard let slot = next(after: cursor), slot <= end else {
                return CronSlotSummary(count: count, isCapped: false, mostRecent: latest)
            }
            count += 1
            latest = slot
            cursor = slot
        }
        guard let more = next(after: cursor), more <= end else {
            return CronSlotSummary(count: count, isCapped: false, mostRecent: latest)
        }
        return CronSlotSummary(count: count, isCapped: true, mostRecent: previous(atOrBefore: end) ?? more)
    }

    /// Years 1 through 9999, the span where civil dates and the tz database are meaningful.
    static let supportedInstants: ClosedRange<Double> = -62_135_596_800 ... 253_402_300_799

    /// Resolves an IANA zone name, refusing what is not one: Foundation would otherwise also accept
    /// custom offsets ("GMT+5" → GMT+0500) that Kubernetes' `time.LoadLocation` rejects, and "Local",
    /// which would make a schedule depend on the machine.
    static func resolveZone(_ identifier: String) throws(CronError) -> TimeZone {
        let looksLikeOffset = ["GMT+", "GMT-", "UTC+", "UTC-"].contains { identifier.hasPrefix($0) }
        guard !identifier.isEmpty, identifier != "Local", !looksLikeOffset,
              let zone = TimeZone(identifier: identifier),
              zone.identifier == identifier || identifier == "UTC"
        else {
            throw CronError(message: "unknown time zone \"\(identifier)\"")
        }
        return zone
    }
}
