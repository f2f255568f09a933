import Foundation
import Testing
@testable import ModelOpsControllers

/// "2026-03-08T07:00:00Z" → Date.
func utc(_ text: String) -> Date {
    let f = ISO8601DateFormatter()
    f.formatOptions = [.withInternetDateTime]
    guard let date = f.date(from: text) else { fatalError("bad test timestamp \(text)") }
    return date
}

/// The first `count` slots strictly after `start`, as UTC timestamps.
func upcoming(_ schedule: CronSchedule, after start: String, count: Int) -> [String] {
    let f = ISO8601DateFormatter()
    f.formatOptions = [.withInternetDateTime]
    var result: [String] = []
    var cursor = utc(start)
    for _ in 0..<count {
        guard let next = schedule.next(after: cursor) else { break }
        result.append(f.string(from: next))
        cursor = next
    }
    return result
}

@Suite("Cron schedule: fixed examples")
struct CronScheduleTests {
    struct Example: Sendable, CustomStringConvertible {
        var name: String
        var expression: String
        var zone: String
        var after: String
        var expected: [String]
        var description: String { name }
    }

    static let examples: [Example] = [
        Example(name: "@daily in UTC over three days gives three slots", expression: "@daily", zone: "UTC",
                after: "2026-05-01T00:00:00Z",
                expected: ["2026-05-02T00:00:00Z", "2026-05-03T00:00:00Z", "2026-05-04T00:00:00Z"]),
        Example(name: "02:00 New York on the spring-forward night runs at 03:00 EDT",
                expression: "0 2 * * *", zone: "America/New_York", after: "2026-03-07T00:00:00Z",
                expected: ["2026-03-07T07:00:00Z", "2026-03-08T07:00:00Z", "2026-03-09T06:00:00Z"]),
        Example(name: "02:00 New York on the fall-back night runs once, at 02:00 EST",
                expression: "0 2 * * *", zone: "America/New_York", after: "2026-10-31T00:00:00Z",
                expected: ["2026-10-31T06:00:00Z", "2026-11-01T07:00:00Z", "2026-11-02T07:00:00Z"]),
        Example(name: "01:30 New York on the fall-back night runs once, at its first occurrence (EDT)",
                expression: "30 1 * * *", zone: "America/New_York", after: "2026-10-31T12:00:00Z",
                expected: ["2026-11-01T05:30:00Z", "2026-11-02T06:30:00Z"]),
        Example(name: "every 15 minutes across the gap: 01:45 EST, then one run at 03:00 EDT",
                expression: "*/15 * * * *", zone: "America/New_York", after: "2026-03-08T06:30:00Z",
                expected: ["2026-03-08T06:45:00Z", "2026-03-08T07:00:00Z", "2026-03-08T07:15:00Z"]),
        Example(name: "every 30 minutes across the repeated hour runs nothing twice",
                expression: "*/30 * * * *", zone: "America/New_York", after: "2026-11-01T04:45:00Z",
                expected: ["2026-11-01T05:00:00Z", "2026-11-01T05:30:00Z", "2026-11-01T07:00:00Z",
                           "2026-11-01T07:30:00Z"]),
        Example(name: "hourly in London on the spring-forward day: 23 runs, no 01:00",
                expression: "0 * * * *", zone: "Europe/London", after: "2026-03-29T00:30:00Z",
                expected: ["2026-03-29T01:00:00Z", "2026-03-29T02:00:00Z"]),
        Example(name: "Lord Howe's 30-minute gap: 02:15 runs at 02:30 (+11)",
                expression: "15 2 * * *", zone: "Australia/Lord_Howe", after: "2026-10-02T00:00:00Z",
                expected: ["2026-10-02T15:45:00Z", "2026-10-03T15:30:00Z", "2026-10-04T15:15:00Z"]),
        Example(name: "Lord Howe's repeated half hour: 01:45 runs at its first occurrence (+11)",
                expression: "45 1 * * *", zone: "Australia/Lord_Howe", after: "2026-04-03T00:00:00Z",
                expected: ["2026-04-03T14:45:00Z", "2026-04-04T14:45:00Z", "2026-04-05T15:15:00Z"]),
        Example(name: "São Paulo's midnight gap (2018): @daily runs at 01:00 -02",
                expression: "@daily", zone: "America/Sao_Paulo", after: "2018-11-02T12:00:00Z",
                expected: ["2018-11-03T03:00:00Z", "2018-11-04T03:00:00Z", "2018-11-05T02:00:00Z"]),
        Example(name: "São Paulo's fall-back repeats 23:00 of the day before (2019): runs once",
                expression: "0 23 * * *", zone: "America/Sao_Paulo", after: "2019-02-15T12:00:00Z",
                expected: ["2019-02-16T01:00:00Z", "2019-02-17T01:00:00Z", "2019-02-18T02:00:00Z"]),
        Example(name: "Kolkata has no daylight saving: 02:00 IST is 20:30 UTC the day before",
                expression: "0 2 * * *", zone: "Asia/Kolkata", after: "2026-03-07T00:00:00Z",
                expected: ["2026-03-07T20:30:00Z", "2026-03-08T20:30:00Z"]),
        Example(name: "Samoa skipped 30 December 2011: its noon runs once as the 31st begins",
                expression: "0 12 * * *", zone: "Pacific/Apia", after: "2011-12-28T12:00:00Z",
                expected: ["2011-12-28T22:00:00Z", "2011-12-29T22:00:00Z", "2011-12-30T10:00:00Z",
                           "2011-12-30T22:00:00Z"]),
        Example(name: "both day fields restricted: the 13th OR a Friday",
                expression: "0 0 13 * FRI", zone: "UTC", after: "2026-02-01T00:00:00Z",
                expected: ["2026-02-06T00:00:00Z", "2026-02-13T00:00:00Z", "2026-02-20T00:00:00Z"]),
        Example(name: "day-of-week star with a step is a restriction: the 1st OR odd weekdays… but dom=* means AND",
                expression: "0 0 * * */2", zone: "UTC", after: "2026-02-01T00:00:00Z",
                expected: ["2026-02-03T00:00:00Z", "2026-02-05T00:00:00Z", "2026-02-07T00:00:00Z"]),
        Example(name: "29 February, every four years, across the non-leap 2100",
                expression: "0 0 29 2 *", zone: "UTC", after: "2097-01-01T00:00:00Z",
                expected: ["2104-02-29T00:00:00Z", "2108-02-29T00:00:00Z"]),
        Example(name: "@yearly, @monthly, @weekly", expression: "@weekly", zone: "Europe/London",
                after: "2026-07-01T00:00:00Z",
                expected: ["2026-07-04T23:00:00Z", "2026-07-11T23:00:00Z"]),
    ]

    @Test("next slots", arguments: examples)
    func nextSlots(_ e: Example) throws {
        let schedule = try CronSchedule(e.expression, timeZone: e.zone)
        #expect(upcoming(schedule, after: e.after, count: e.expected.count) == e.expected)
    }

    @Test("next is strictly after the instant, previous is at or before it")
    func boundaries() throws {
        let s = try CronSchedule("*/5 * * * *")
        #expect(s.next(after: utc("2026-01-01T00:05:00Z")) == utc("2026-01-01T00:10:00Z"))
        #expect(s.next(after: utc("2026-01-01T00:04:59Z")) == utc("2026-01-01T00:05:00Z"))
        #expect(s.next(after: utc("2026-01-01T00:05:00Z").addingTimeInterval(-0.001)) == utc("2026-01-01T00:05:00Z"))
        #expect(s.previous(atOrBefore: utc("2026-01-01T00:05:00Z")) == utc("2026-01-01T00:05:00Z"))
        #expect(s.previous(atOrBefore: utc("2026-01-01T00:04:59Z")) == utc("2026-01-01T00:00:00Z"))
    }

    @Test("previous walks back over daylight-saving changes")
    func previousAcrossDST() throws {
        let ny = try CronSchedule("30 1 * * *", timeZone: "America/New_York")
        // During the second (EST) 01:30, the run already happened at the first (EDT) one.
        #expect(ny.previous(atOrBefore: utc("2026-11-01T06:45:00Z")) == utc("2026-11-01T05:30:00Z"))
        let gap = try CronSchedule("30 2 * * *", timeZone: "America/New_York")
        #expect(gap.previous(atOrBefore: utc("2026-03-08T07:00:00Z")) == utc("2026-03-08T07:00:00Z"))
        #expect(gap.previous(atOrBefore: utc("2026-03-08T06:59:59Z")) == utc("2026-03-07T07:30:00Z"))
    }

    @Test("a schedule that can never fire has no next or previous")
    func never() throws {
        for expression in ["0 0 30 2 *", "0 0 31 4,6,9,11 *"] {
            let s = try CronSchedule(expression)
            #expect(s.next(after: utc("2026-01-01T00:00:00Z")) == nil)
            #expect(s.previous(atOrBefore: utc("2026-01-01T00:00:00Z")) == nil)
        }
    }

    @Test("instants outside years 1–9999 give nil rather than a crash")
    func extremes() throws {
        let s = try CronSchedule("* * * * *", timeZone: "Europe/London")
        #expect(s.next(after: Date(timeIntervalSince1970: 1e13)) == nil)
        #expect(s.next(after: Date.distantFuture) != nil)  // year 4001 is still a calendar year
        #expect(s.next(after: Date(timeIntervalSince1970: .infinity)) == nil)
        #expect(s.next(after: Date(timeIntervalSince1970: .nan)) == nil)
        #expect(s.previous(atOrBefore: Date(timeIntervalSince1970: -1e15)) == nil)
        #expect(try CronSchedule("@yearly").next(after: utc("9999-06-01T00:00:00Z")) == nil)
    }

    @Test("missed runs during an outage: count, cap and the most recent slot")
    func missed() throws {
        let s = try CronSchedule("*/5 * * * *")
        let start = utc("2026-01-01T00:00:00Z"), end = utc("2026-01-02T00:02:00Z")
        #expect(s.slots(after: start, upTo: end, limit: 1000)
                == CronSlotSummary(count: 288, isCapped: false, mostRecent: utc("2026-01-02T00:00:00Z")))
        #expect(s.slots(after: start, upTo: end, limit: 100)
                == CronSlotSummary(count: 100, isCapped: true, mostRecent: utc("2026-01-02T00:00:00Z")))
        // Exactly `limit` slots is not capped.
        #expect(s.slots(after: start, upTo: utc("2026-01-01T00:25:00Z"), limit: 5)
                == CronSlotSummary(count: 5, isCapped: false, mostRecent: utc("2026-01-01T00:25:00Z")))
        #expect(s.slots(after: start, upTo: utc("2026-01-01T00:04:00Z"), limit: 5)
                == CronSlotSummary(count: 0, isCapped: false, mostRecent: nil))
        #expect(s.slots(after: end, upTo: start, limit: 5)
                == CronSlotSummary(count: 0, isCapped: false, mostRecent: nil))
        // A year-long outage of a per-minute schedule stays cheap.
        let minutely = try CronSchedule("* * * * *", timeZone: "America/New_York")
        let year = minutely.slots(after: utc("2026-01-01T00:00:00Z"), upTo: utc("2027-01-01T00:00:30Z"), limit: 100)
        #expect(year == CronSlotSummary(count: 100, isCapped: true, mostRecent: utc("2027-01-01T00:00:00Z")))
    }

    @Test("hourly in New York: 23 runs on the spring-forward day, 24 on the fall-back day")
    func hourlyCounts() throws {
        let s = try CronSchedule("0 * * * *", timeZone: "America/New_York")
        // Local days: 2026-03-08 is 05:00Z..04:00Z+1 (23 h); 2026-11-01 is 04:00Z..05:00Z+1 (25 h).
        #expect(s.slots(after: utc("2026-03-08T04:59:00Z"), upTo: utc("2026-03-09T03:59:00Z"), limit: 100).count == 23)
        #expect(s.slots(after: utc("2026-11-01T03:59:00Z"), upTo: utc("2026-11-02T04:59:00Z"), limit: 100).count == 24)
    }

    /// 200 Mondays-or-leap-days and 20 leap days span eighty years: stepping minute by minute
    /// would be some 42 million calendar computations and hit the time limit; the search jumps
    /// field by field. (How fast it is, is the benchmark's business, not a timed test's.)
    @Test("decades-long searches finish: the search jumps field by field, not minute by minute",
          .timeLimit(.minutes(1)))
    func decadesAhead() throws {
        let s = try CronSchedule("0 0 29 2 1", timeZone: "Europe/London")  // Feb 29 OR any Monday in Feb
        let rare = try CronSchedule("0 0 29 2 *", timeZone: "Australia/Lord_Howe")
        var cursor = utc("2026-01-01T00:00:00Z")
        for _ in 0..<200 { cursor = s.next(after: cursor) ?? cursor }
        #expect(Calendar(identifier: .gregorian).component(.year, from: cursor) >= 2070)
        var c2 = utc("2001-01-01T00:00:00Z")
        for _ in 0..<20 { c2 = rare.next(after: c2) ?? c2 }
        #expect(Calendar(identifier: .gregorian).component(.year, from: c2) >= 2080)
    }
}
