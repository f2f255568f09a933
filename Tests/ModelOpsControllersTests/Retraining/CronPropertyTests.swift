import Foundation
import Testing
@testable import ModelOpsControllers

/// Random expressions × zones × start instants clustered around offset changes, checked against the
/// minute-by-minute reference in `CronReference`.
@Suite("Cron schedule: agrees with the brute-force reference")
struct CronPropertyTests {
    /// Zones chosen for their clocks: ordinary one-hour DST (New York, London), a 30-minute DST
    /// (Lord Howe), DST at midnight (São Paulo until 2019), a 2-hour DST (Troll), odd offsets (Chatham
    /// +12:45/+13:45, St John's −3:30), a permanent non-DST shift (Moscow 2014), a skipped day
    /// (Apia 2011), and no DST at all (Kolkata, UTC).
    static let zones = [
        "America/New_York", "Europe/London", "Australia/Lord_Howe", "America/Sao_Paulo",
        "Antarctica/Troll", "Pacific/Chatham", "America/St_Johns", "Europe/Moscow", "Pacific/Apia",
        "Asia/Kolkata", "UTC",
    ]

    /// Offset changes of a zone between 2008 and 2030 (none for zones without them).
    static func transitions(_ zone: TimeZone) -> [Date] {
        var result: [Date] = []
        var cursor = utc("2008-01-01T00:00:00Z")
        let end = utc("2030-12-31T00:00:00Z")
        while let t = zone.nextDaylightSavingTimeTransition(after: cursor), t < end, result.count < 200 {
            result.append(t)
            cursor = t
        }
        return result
    }

    @Test("next, previous and slots match the reference", arguments: [UInt64(0x5EED_0001), 0x5EED_0002, 0x5EED_0003, 0x5EED_0004])
    func agrees(seed: UInt64) throws {
        var rng = SeededGenerator(seed: seed)
        let window: TimeInterval = 3 * 86_400
        for round in 0..<70 {
            let zoneName = Self.zones[round % Self.zones.count]
            let zone = TimeZone(identifier: zoneName)!
            let cron = GeneratedCron.random(&rng)
            let schedule = try CronSchedule(cron.text, timeZone: zoneName)

            // Start within two days before an offset change (or anywhere in 2008–2030 without one),
            // minute-aligned so the reference's UTC minute grid covers every possible slot.
            let changes = Self.transitions(zone)
            let anchor = changes.randomElement(using: &rng)
                ?? utc("2008-01-01T00:00:00Z").addingTimeInterval(Double(Int.random(in: 0..<(23 * 365), using: &rng)) * 86_400)
            let startMinute = (anchor.timeIntervalSince1970 / 60).rounded(.down) - Double(Int.random(in: 0...(2 * 1440), using: &rng))
            let start = Date(timeIntervalSince1970: startMinute * 60)
            let end = start.addingTimeInterval(window)
            let expected = CronReference.slots(cron, zone: zone, after: start, upTo: end)
            let context = Comment(rawValue: "seed \(seed) round \(round): \"\(cron.text)\" in \(zoneName) after \(start)")

            // next, iterated across the window.
            var actual: [Date] = []
            var cursor = start
            while let n = schedule.next(after: cursor), n <= end {
                actual.append(n)
                cursor = n
                if actual.count > expected.count + 5 { break }
            }
            #expect(actual == expected, context)
            guard actual == expected else { continue }

            // next / previous from arbitrary (not minute-aligned) instants inside the window, and
            // from instants within two hours either side of each offset change, where a repeated or
            // skipped stretch of wall time makes the start instant matter most.
            var probes = (0..<4).map { _ in start.addingTimeInterval(Double.random(in: 0..<window, using: &rng)) }
            for change in changes where change > start && change < end {
                for _ in 0..<6 {
                    probes.append(change.addingTimeInterval(Double.random(in: -7200..<7200, using: &rng)))
                }
            }
            for x in probes where x > start && x < end {
                if let want = expected.first(where: { $0 > x }) {
                    #expect(schedule.next(after: x) == want, context)
                }
                if let want = expected.last(where: { $0 <= x }) {
                    #expect(schedule.previous(atOrBefore: x) == want, context)
                }
            }
            if let last = expected.last {
                #expect(schedule.previous(atOrBefore: last) == last, context)
            }

            // Missed-run accounting over the whole window.
            let summary = schedule.slots(after: start, upTo: end, limit: 10_000)
            #expect(summary == CronSlotSummary(count: expected.count, isCapped: false, mostRecent: expected.last), context)
        }
    }
}
