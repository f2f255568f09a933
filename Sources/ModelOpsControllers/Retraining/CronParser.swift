/// Turns cron text into a `CronPattern`, accepting what Kubernetes CronJob accepts (robfig/cron's
/// standard parser) with deliberately clearer errors and a few refusals of its silent quirks.
///
/// Accepted: five whitespace-separated fields (minute hour day-of-month month day-of-week); in each
/// a comma list of `*`, `n`, `a-b`, each optionally followed by `/step`; `n/step` meaning `n-max/step`;
/// month names JAN–DEC and weekday names SUN–SAT (any case); weekday 7 as Sunday (as Vixie cron;
/// robfig refuses it); `?` as `*` in the two day fields; and the descriptors @yearly, @annually,
/// @monthly, @weekly, @daily, @midnight, @hourly.
///
/// Refused where robfig is lenient: `*-5` (robfig silently reads it as `*`), `?` outside the day
/// fields (robfig accepts it anywhere), and `@every` (not a calendar schedule). Refused as robfig and
/// Kubernetes do: a zero step, and `TZ=` / `CRON_TZ=` prefixes (Kubernetes wants `spec.timeZone`).
enum CronParser {
    private struct Bounds {
        let field: CronError.Field
        let min: Int
        let max: Int
        /// The end of `*` and of `n/step`; only day-of-week differs from `max` (6, while 7 is
        /// accepted as an explicit alias of Sunday).
        let starMax: Int
        let names: [String: Int]
    }

    private static let boundsByField: [Bounds] = [
        Bounds(field: .minute, min: 0, max: 59, starMax: 59, names: [:]),
        Bounds(field: .hour, min: 0, max: 23, starMax: 23, names: [:]),
        Bounds(field: .dayOfMonth, min: 1, max: 31, starMax: 31, names: [:]),
        Bounds(field: .month, min: 1, max: 12, starMax: 12, names: [
            "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
            "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
        ]),
        Bounds(field: .dayOfWeek, min: 0, max: 7, starMax: 6, names: [
            "sun": 0, "mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6,
        ]),
    ]

    private static let descriptors: [String: String] = [
        "@yearly": "0 0 1 1 *",
        "@annually": "0 0 1 1 *",
        "@monthly": "0 0 1 * *",
        "@weekly": "0 0 * * 0",
        "@daily": "0 0 * * *",
        "@midnight": "0 0 * * *",
        "@hourly": "0 * * * *",
    ]

    static func parse(_ expression: String) throws(CronError) -> CronPattern {
        let trimmed = expression.trimmingWhitespace()
        if trimmed.isEmpty {
            throw CronError(message: "empty schedule")
        }
        if trimmed.hasPrefix("TZ=") || trimmed.hasPrefix("CRON_TZ=") {
            throw CronError(message: "cannot use TZ or CRON_TZ in schedule, use timeZone field instead")
        }
        if trimmed.hasPrefix("@") {
            guard let expansion = descriptors[String(trimmed)] else {
                let word = trimmed.split(whereSeparator: \.isWhitespace).first.map(String.init) ?? String(trimmed)
                throw CronError(message: "unknown descriptor \"\(word)\" (supported: @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly)")
            }
            return try parse(expansion)
        }
        let fields = trimmed.split(whereSeparator: \.isWhitespace)
        guard fields.count == 5 else {
            throw CronError(message: "expected 5 fields, found \(fields.count)")
        }
        var sets: [UInt64] = []
        var stars: [Bool] = []
        for (text, bounds) in zip(fields, boundsByField) {
            let (set, star) = try parseField(text, bounds)
            sets.append(set)
            stars.append(star)
        }
        // Day-of-week 7 is Sunday: fold bit 7 onto bit 0.
        var daysOfWeek = sets[4]
        if daysOfWeek & (1 << 7) != 0 { daysOfWeek = (daysOfWeek & ~(1 << 7)) | 1 }
        return CronPattern(minutes: sets[0], hours: sets[1], daysOfMonth: sets[2], months: sets[3],
                           daysOfWeek: daysOfWeek, dayOfMonthIsStar: stars[2], dayOfWeekIsStar: stars[4])
    }

    /// One field: a comma list of items. Returns the selected set and whether any item was an
    /// unstepped (or `/1`) `*` / `?`, which is what cron's day-matching rule looks at.
    private static func parseField(_ text: Substring, _ b: Bounds) throws(CronError) -> (UInt64, Bool) {
        var set: UInt64 = 0
        var star = false
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            if item.isEmpty {
                throw .inField(b.field, text, "empty list item")
            }
            let parts = item.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count <= 2 else {
                throw .inField(b.field, text, "too many slashes in \"\(item)\"")
            }
            var step = 1
            if parts.count == 2 {
                guard let s = Int(parts[1]), parts[1].allSatisfy(\.isASCIIDigit) else {
                    throw .inField(b.field, text, "step \"\(parts[1])\" is not a number")
                }
                guard s >= 1 else {
                    throw .inField(b.field, text, "step must be at least 1 in \"\(item)\"")
                }
                // Any step wider than the field selects just the first value; clamping keeps
                // `low + step` from overflowing on absurd input.
                step = min(s, 64)
            }
            let range = parts[0]
            var low: Int
            var high: Int
            if range == "*" || range == "?" {
                if range == "?" && b.field != .dayOfMonth && b.field != .dayOfWeek {
                    throw .inField(b.field, text, "\"?\" is only allowed in the day-of-month and day-of-week fields")
                }
                low = b.min
                high = b.starMax
                if step == 1 { star = true }
            } else {
                let ends = range.split(separator: "-", omittingEmptySubsequences: false)
                guard ends.count <= 2 else {
                    throw .inField(b.field, text, "too many hyphens in \"\(item)\"")
                }
                if ends.contains(where: { $0 == "*" || $0 == "?" }) {
                    throw .inField(b.field, text, "\"\(range)\": a range must be written with values, not \"*\"")
                }
                low = try value(ends[0], b, text)
                if ends.count == 2 {
                    high = try value(ends[1], b, text)
                    if low > high {
                        throw .inField(b.field, text, "range \(low)-\(high) runs backwards")
                    }
                } else {
                    high = parts.count == 2 ? b.starMax : low
                    if high < low { high = low }  // `7/2` in day-of-week: just Sunday
                }
            }
            var v = low
            while v <= high {
                set |= 1 << UInt64(v)
                v += step
            }
        }
        return (set, star)
    }

    private static func value(_ text: Substring, _ b: Bounds, _ field: Substring) throws(CronError) -> Int {
        if text.isEmpty {
            throw .inField(b.field, field, "missing value in range")
        }
        if let named = b.names[text.lowercased()] {
            return named
        }
        guard text.allSatisfy(\.isASCIIDigit) else {
            let expected = b.names.isEmpty ? "a number" : "a number or a name such as \(b.field == .month ? "JAN" : "MON")"
            throw .inField(b.field, field, "\"\(text)\" is not \(expected)")
        }
        guard let n = Int(text), n >= b.min, n <= b.max else {
            throw .inField(b.field, field, "value \(text) out of range \(b.min)-\(b.max)")
        }
        return n
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}

extension String {
    fileprivate func trimmingWhitespace() -> Substring {
        var s = self[...]
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return s
    }
}
