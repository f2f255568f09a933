import Foundation
import Testing
@testable import ModelOpsControllers

private func mask(_ values: some Sequence<Int>) -> UInt64 {
    values.reduce(0) { $0 | (1 << UInt64($1)) }
}

@Suite("Cron parser")
struct CronParserTests {
    struct Valid: Sendable, CustomStringConvertible {
        var expression: String
        var minutes: [Int]? = nil
        var hours: [Int]? = nil
        var daysOfMonth: [Int]? = nil
        var months: [Int]? = nil
        var daysOfWeek: [Int]? = nil
        var domStar: Bool? = nil
        var dowStar: Bool? = nil
        var description: String { expression }
    }

    static let valid: [Valid] = [
        Valid(expression: "* * * * *", minutes: Array(0...59), hours: Array(0...23), daysOfMonth: Array(1...31),
              months: Array(1...12), daysOfWeek: Array(0...6), domStar: true, dowStar: true),
        Valid(expression: "*/15 * * * *", minutes: [0, 15, 30, 45]),
        Valid(expression: "5/15 * * * *", minutes: [5, 20, 35, 50]),
        Valid(expression: "1-30/5 * * * *", minutes: [1, 6, 11, 16, 21, 26]),
        Valid(expression: "0,30 8-10 * * *", minutes: [0, 30], hours: [8, 9, 10]),
        Valid(expression: "*/90 * * * *", minutes: [0]),  // a step wider than the field keeps the first value
        Valid(expression: "5/9223372036854775807 * * * *", minutes: [5]),
        Valid(expression: "0 0 1 JAN,jul *", months: [1, 7]),
        Valid(expression: "0 0 * Mar-May *", months: [3, 4, 5]),
        Valid(expression: "0 0 * * MON-FRI", daysOfWeek: [1, 2, 3, 4, 5], domStar: true, dowStar: false),
        Valid(expression: "0 0 * * 7", daysOfWeek: [0]),
        Valid(expression: "0 0 * * 5-7", daysOfWeek: [0, 5, 6]),
        Valid(expression: "0 0 * * sun,SAT", daysOfWeek: [0, 6]),
        Valid(expression: "0 0 * * 1/2", daysOfWeek: [1, 3, 5]),
        Valid(expression: "0 0 ? * 1", daysOfMonth: Array(1...31), domStar: true, dowStar: false),
        Valid(expression: "0 0 1 * ?", domStar: false, dowStar: true),
        Valid(expression: "0 0 */1 * 1", domStar: true),   // robfig: a /1 step keeps the star
        Valid(expression: "0 0 */2 * 1", daysOfMonth: Array(stride(from: 1, through: 31, by: 2)), domStar: false),
        Valid(expression: "0 0 1-31 * 1", domStar: false),  // a written-out full range is a restriction
        Valid(expression: "0 0 1,* * 1", domStar: true),
        Valid(expression: "  0\t12  *  *  *  ", minutes: [0], hours: [12]),
        Valid(expression: "@hourly", minutes: [0], hours: Array(0...23)),
        Valid(expression: "@daily", minutes: [0], hours: [0], domStar: true, dowStar: true),
        Valid(expression: "@midnight", minutes: [0], hours: [0]),
        Valid(expression: "@weekly", minutes: [0], hours: [0], daysOfWeek: [0], domStar: true, dowStar: false),
        Valid(expression: "@monthly", daysOfMonth: [1], months: Array(1...12)),
        Valid(expression: "@yearly", daysOfMonth: [1], months: [1]),
        Valid(expression: "@annually", daysOfMonth: [1], months: [1]),
    ]

    @Test("accepts Kubernetes CronJob syntax", arguments: valid)
    func accepts(_ c: Valid) throws {
        let p = try CronSchedule(c.expression).pattern
        if let v = c.minutes { #expect(p.minutes == mask(v)) }
        if let v = c.hours { #expect(p.hours == mask(v)) }
        if let v = c.daysOfMonth { #expect(p.daysOfMonth == mask(v)) }
        if let v = c.months { #expect(p.months == mask(v)) }
        if let v = c.daysOfWeek { #expect(p.daysOfWeek == mask(v)) }
        if let v = c.domStar { #expect(p.dayOfMonthIsStar == v) }
        if let v = c.dowStar { #expect(p.dayOfWeekIsStar == v) }
    }

    static let invalid: [(String, String, String)] = [
        ("", "UTC", "empty schedule"),
        ("   ", "UTC", "empty schedule"),
        ("* * * *", "UTC", "expected 5 fields, found 4"),
        ("0 * * * * *", "UTC", "expected 5 fields, found 6"),
        ("61 * * * *", "UTC", "minute field \"61\": value 61 out of range 0-59"),
        ("0 24 * * *", "UTC", "hour field \"24\": value 24 out of range 0-23"),
        ("0 0 0 * *", "UTC", "day-of-month field \"0\": value 0 out of range 1-31"),
        ("0 0 32 * *", "UTC", "day-of-month field \"32\": value 32 out of range 1-31"),
        ("0 0 * 13 *", "UTC", "month field \"13\": value 13 out of range 1-12"),
        ("0 0 * * 8", "UTC", "day-of-week field \"8\": value 8 out of range 0-7"),
        ("0 0 * FOO *", "UTC", "month field \"FOO\": \"FOO\" is not a number or a name such as JAN"),
        ("0 0 * * MONDAY", "UTC", "day-of-week field \"MONDAY\": \"MONDAY\" is not a number or a name such as MON"),
        ("x * * * *", "UTC", "minute field \"x\": \"x\" is not a number"),
        ("-1 * * * *", "UTC", "minute field \"-1\": missing value in range"),
        ("5-1 * * * *", "UTC", "minute field \"5-1\": range 5-1 runs backwards"),
        ("1-2-3 * * * *", "UTC", "minute field \"1-2-3\": too many hyphens in \"1-2-3\""),
        ("*/0 * * * *", "UTC", "minute field \"*/0\": step must be at least 1 in \"*/0\""),
        ("*/x * * * *", "UTC", "minute field \"*/x\": step \"x\" is not a number"),
        ("1/2/3 * * * *", "UTC", "minute field \"1/2/3\": too many slashes in \"1/2/3\""),
        ("1,,2 * * * *", "UTC", "minute field \"1,,2\": empty list item"),
        ("*-5 * * * *", "UTC", "minute field \"*-5\": \"*-5\": a range must be written with values, not \"*\""),
        ("? * * * *", "UTC", "minute field \"?\": \"?\" is only allowed in the day-of-month and day-of-week fields"),
        ("TZ=UTC 0 * * * *", "UTC", "cannot use TZ or CRON_TZ in schedule, use timeZone field instead"),
        ("CRON_TZ=Europe/Paris 0 * * * *", "UTC", "cannot use TZ or CRON_TZ in schedule, use timeZone field instead"),
        ("@every 1h", "UTC", "unknown descriptor \"@every\" (supported: @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly)"),
        ("@reboot", "UTC", "unknown descriptor \"@reboot\" (supported: @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly)"),
        ("0 * * * *", "Mars/Olympus", "unknown time zone \"Mars/Olympus\""),
        ("0 * * * *", "", "unknown time zone \"\""),
        ("0 * * * *", "Local", "unknown time zone \"Local\""),
        ("0 * * * *", "GMT+5", "unknown time zone \"GMT+5\""),
        ("0 * * * *", "america/new_york", "unknown time zone \"america/new_york\""),
    ]

    @Test("refuses bad expressions and zones with a message naming the problem", arguments: invalid)
    func refuses(_ expression: String, _ zone: String, _ message: String) {
        #expect(throws: CronError.self) { try CronSchedule(expression, timeZone: zone) }
        do {
            _ = try CronSchedule(expression, timeZone: zone)
        } catch {
            #expect(error.message == message)
            #expect(error.description == message)
        }
    }

    @Test("a remembered schedule is what parsing gives, accepted or refused, and equivalent text is not taken for ASCII")
    func remembered() throws {
        for _ in 0..<2 {
            for (expression, zone) in [("0 2 * * *", "UTC"), ("*/15 9-17 * * MON-FRI", "Asia/Kolkata"), ("@daily", "Europe/London")] {
                #expect(try CronSchedule.parsed(expression, timeZone: zone) == CronSchedule(expression, timeZone: zone))
                #expect(try CronSchedule.parsed(expression, timeZone: zone).expression == expression)
            }
            for (expression, zone, message) in Self.invalid {
                #expect(throws: CronError.self) { try CronSchedule.parsed(expression, timeZone: zone) }
                do {
                    _ = try CronSchedule.parsed(expression, timeZone: zone)
                } catch {
                    #expect(error.message == message)
                }
            }
        }
        // "Asia/Kolkata" is remembered now; with a Kelvin sign (canonically equal) it is another name.
        let kelvin = "Asia/\u{212A}olkata"
        let direct = Result { () throws(CronError) in try CronSchedule("*/15 9-17 * * MON-FRI", timeZone: kelvin) }
        let viaMemory = Result { () throws(CronError) in try CronSchedule.parsed("*/15 9-17 * * MON-FRI", timeZone: kelvin) }
        #expect(viaMemory.map { Array($0.timeZoneIdentifier.utf8) } == direct.map { Array($0.timeZoneIdentifier.utf8) })
    }

    @Test("field errors say which field")
    func fieldIsNamed() {
        do {
            _ = try CronSchedule("0 0 * 13 *")
            Issue.record("expected an error")
        } catch {
            #expect(error.field == .month)
        }
    }

    @Test("accepts IANA zones, including links and Etc names", arguments: [
        "UTC", "Etc/UTC", "GMT", "America/New_York", "Europe/London", "Australia/Lord_Howe",
        "Asia/Kolkata", "Asia/Calcutta", "America/Sao_Paulo", "US/Eastern", "Etc/GMT+5",
    ])
    func zones(_ zone: String) throws {
        let schedule = try CronSchedule("0 0 * * *", timeZone: zone)
        #expect(schedule.timeZoneIdentifier == zone)
    }

    @Test("equal schedules compare equal regardless of spelling")
    func equality() throws {
        #expect(try CronSchedule("@daily") == CronSchedule("0 0 * * *"))
        #expect(try CronSchedule("0 0 * * 7") == CronSchedule("0 0 * * SUN"))
        #expect(try CronSchedule("0 0 * * *") != CronSchedule("0 0 * * *", timeZone: "Europe/London"))
    }
}
