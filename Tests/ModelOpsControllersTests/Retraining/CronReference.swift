import Foundation
@testable import ModelOpsControllers

/// A deterministic generator (SplitMix64) so property-test failures reproduce from their seed.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// A randomly written cron expression together with what it must mean, worked out independently of
/// the parser from the pieces the generator chose.
struct GeneratedCron: CustomStringConvertible {
    var text: String
    var minutes: Set<Int>
    var hours: Set<Int>
    var daysOfMonth: Set<Int>
    var months: Set<Int>
    var daysOfWeek: Set<Int>  // 0 = Sunday; 7 already folded onto 0
    var dayOfMonthIsStar: Bool
    var dayOfWeekIsStar: Bool

    var description: String { text }

    /// Does the wall-clock minute with these calendar fields match? (weekday: 0 = Sunday)
    func matches(month: Int, day: Int, weekday: Int, hour: Int, minute: Int) -> Bool {
        guard minutes.contains(minute), hours.contains(hour), months.contains(month) else { return false }
        let dom = daysOfMonth.contains(day)
        let dow = daysOfWeek.contains(weekday)
        return (dayOfMonthIsStar || dayOfWeekIsStar) ? (dom && dow) : (dom || dow)
    }

    private struct FieldSpec {
        var min: Int, max: Int, starMax: Int
        var names: [String]  // names[i] is value min+i (months) or i (weekdays)
        var allowsQuestion: Bool
        var starWeight: Int   // percent chance the whole field is a plain star
        var favourites: [Int] // values worth hitting often (DST hours)
    }

    private static func field(_ spec: FieldSpec, _ rng: inout SeededGenerator) -> (String, Set<Int>, Bool) {
        if Int.random(in: 0..<100, using: &rng) < spec.starWeight {
            let q = spec.allowsQuestion && Bool.random(using: &rng) && Bool.random(using: &rng)
            return (q ? "?" : "*", Set(spec.min...spec.starMax), true)
        }
        func value(_ rng: inout SeededGenerator) -> Int {
            if !spec.favourites.isEmpty && Bool.random(using: &rng) {
                return spec.favourites.randomElement(using: &rng)!
            }
            return Int.random(in: spec.min...spec.max, using: &rng)
        }
        func spell(_ v: Int, _ rng: inout SeededGenerator) -> String {
            let index = spec.names.count == 12 ? v - 1 : v
            guard !spec.names.isEmpty, index >= 0, index < spec.names.count,
                  Int.random(in: 0..<3, using: &rng) == 0 else { return String(v) }
            let name = spec.names[index]
            return Bool.random(using: &rng) ? name.uppercased() : name
        }
        var items: [String] = []
        var set = Set<Int>()
        var star = false
        for _ in 0..<Int.random(in: 1...3, using: &rng) {
            let step = [1, 1, 2, 3, 5, 7, 10, 15, 20, 30, 45].randomElement(using: &rng)!
            switch Int.random(in: 0..<5, using: &rng) {
            case 0:  // */step
                items.append(step == 1 && Bool.random(using: &rng) ? "*" : "*/\(step)")
                set.formUnion(stride(from: spec.min, through: spec.starMax, by: step))
                if step == 1 { star = true }
            case 1:  // a-b or a-b/step
                var a = value(&rng), b = value(&rng)
                if a > b { swap(&a, &b) }
                items.append("\(spell(a, &rng))-\(spell(b, &rng))" + (step > 1 ? "/\(step)" : ""))
                set.formUnion(stride(from: a, through: b, by: step))
            case 2 where step > 1:  // n/step: n to the end of the field
                let n = value(&rng)
                items.append("\(n)/\(step)")
                set.formUnion(stride(from: n, through: Swift.max(n, spec.starMax), by: step))
            default:
                let v = value(&rng)
                items.append(spell(v, &rng))
                set.insert(v)
            }
        }
        return (items.joined(separator: ","), set, star)
    }

    static func random(_ rng: inout SeededGenerator) -> GeneratedCron {
        let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
        let weekdays = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]
        let fields = [
            FieldSpec(min: 0, max: 59, starMax: 59, names: [], allowsQuestion: false, starWeight: 15,
                      favourites: [0, 15, 30, 45, 59]),
            FieldSpec(min: 0, max: 23, starMax: 23, names: [], allowsQuestion: false, starWeight: 25,
                      favourites: [0, 1, 2, 3, 23]),
            FieldSpec(min: 1, max: 31, starMax: 31, names: [], allowsQuestion: true, starWeight: 65,
                      favourites: [1, 28, 29, 30, 31]),
            FieldSpec(min: 1, max: 12, starMax: 12, names: months, allowsQuestion: false, starWeight: 80,
                      favourites: []),
            FieldSpec(min: 0, max: 7, starMax: 6, names: weekdays, allowsQuestion: true, starWeight: 65,
                      favourites: [0, 7]),
        ]
        var parts: [(String, Set<Int>, Bool)] = []
        for spec in fields { parts.append(field(spec, &rng)) }
        var dow = parts[4].1
        if dow.remove(7) != nil { dow.insert(0) }
        return GeneratedCron(text: parts.map(\.0).joined(separator: " "),
                             minutes: parts[0].1, hours: parts[1].1, daysOfMonth: parts[2].1,
                             months: parts[3].1, daysOfWeek: dow,
                             dayOfMonthIsStar: parts[2].2, dayOfWeekIsStar: parts[4].2)
    }
}

/// The brute-force reference: simulates the zone's wall clock minute by minute over UTC and fires
/// whenever the clock reaches a matching wall minute it has never shown before, counting the minutes
/// a spring-forward jumps over as reached at the jump. This restates the engine's rule ("a wall minute
/// fires at the first instant the clock reads it or later") as a clock simulation, with wall times
/// from Foundation's `Calendar` rather than the engine's own civil arithmetic.
enum CronReference {
    /// All slots in `(start, end]`. `start` and `end` are minute-aligned UTC instants.
    static func slots(_ cron: GeneratedCron, zone: TimeZone, after start: Date, upTo end: Date) -> [Date] {
        var local = Calendar(identifier: .gregorian)
        local.timeZone = zone
        var naive = Calendar(identifier: .gregorian)
        naive.timeZone = TimeZone(identifier: "GMT")!
        let fields: Set<Calendar.Component> = [.year, .month, .day, .hour, .minute, .weekday]

        func key(_ c: DateComponents) -> Int {
            ((((c.year! * 100 + c.month!) * 100 + c.day!) * 100 + c.hour!) * 100) + c.minute!
        }
        func matches(_ c: DateComponents) -> Bool {
            cron.matches(month: c.month!, day: c.day!, weekday: c.weekday! - 1, hour: c.hour!, minute: c.minute!)
        }

        // Warm up a day early so the simulation knows how far the clock had already read.
        var u = start.addingTimeInterval(-86_400)
        var highestComponents = local.dateComponents(fields, from: u)
        var highest = key(highestComponents)
        var previousOffset = zone.secondsFromGMT(for: u)
        var result: [Date] = []
        while u < end {
            u = u.addingTimeInterval(60)
            let c = local.dateComponents(fields, from: u)
            let offset = zone.secondsFromGMT(for: u)
            let k = key(c)
            defer { previousOffset = offset }
            guard k > highest else { continue }  // the clock shows a minute it already showed
            var fires = matches(c)
            if !fires && offset != previousOffset {
                // The clock jumped: every wall minute it skipped counts as reached now.
                let h = highestComponents
                let shown = DateComponents(year: h.year, month: h.month, day: h.day, hour: h.hour, minute: h.minute)
                var skipped = naive.date(from: shown)!.addingTimeInterval(60)
                while true {
                    let s = naive.dateComponents(fields, from: skipped)
                    if key(s) >= k { break }
                    if matches(s) { fires = true; break }
                    skipped = skipped.addingTimeInterval(60)
                }
            }
            highest = k
            highestComponents = c
            if fires && u > start { result.append(u) }
        }
        return result
    }
}
