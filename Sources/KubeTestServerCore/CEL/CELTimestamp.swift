import KubeCore
import Foundation

/// A CEL `google.protobuf.Timestamp`: seconds since the Unix epoch plus nanoseconds, limited to
/// years 0001–9999 as the CEL spec requires.
struct CELTimestamp: Sendable, Equatable, Comparable {
    var seconds: Int64
    var nanos: Int32  // 0..<1_000_000_000

    static let minSeconds: Int64 = -62_135_596_800  // 0001-01-01T00:00:00Z
    static let maxSeconds: Int64 = 253_402_300_799  // 9999-12-31T23:59:59Z

    init(seconds: Int64, nanos: Int32 = 0) {
        self.seconds = seconds
        self.nanos = nanos
    }

    /// Builds a timestamp, failing with cel-go's "timestamp overflow" outside the valid range.
    static func checked(seconds: Int64, nanos: Int64) throws(CELError) -> CELTimestamp {
        var s = seconds
        var n = nanos
        let (carry, rest) = n.quotientAndRemainder(dividingBy: 1_000_000_000)
        let (sum, overflow) = s.addingReportingOverflow(carry)
        guard !overflow else { throw CELError("timestamp overflow") }
        s = sum
        n = rest
        if n < 0 {
            guard s > Int64.min else { throw CELError("timestamp overflow") }
            s -= 1
            n += 1_000_000_000
        }
        guard s >= minSeconds && s <= maxSeconds else { throw CELError("timestamp overflow") }
        return CELTimestamp(seconds: s, nanos: Int32(n))
    }

    static func < (a: CELTimestamp, b: CELTimestamp) -> Bool {
        (a.seconds, a.nanos) < (b.seconds, b.nanos)
    }

    // MARK: RFC 3339

    /// Parses RFC 3339 (`2024-01-02T03:04:05.123Z`, `...+02:00`), as Go's `time.Parse(time.RFC3339, s)`.
    init?(rfc3339 text: String) {
        let b = Array(text.utf8)
        func num(_ from: Int, _ count: Int) -> Int? {
            guard from + count <= b.count else { return nil }
            var v = 0
            for i in from..<(from + count) {
                guard b[i] >= 48 && b[i] <= 57 else { return nil }
                v = v * 10 + Int(b[i] - 48)
            }
            return v
        }
        guard b.count >= 20, let year = num(0, 4), b[4] == 45, let month = num(5, 2), b[7] == 45,
            let day = num(8, 2), b[10] == 84 || b[10] == 116, let hour = num(11, 2), b[13] == 58,
            let minute = num(14, 2), b[16] == 58, let second = num(17, 2)
        else { return nil }
        guard (1...12).contains(month), day >= 1, day <= CivilDate.daysInMonth(year: year, month: month),
            hour < 24, minute < 60, second < 60
        else { return nil }
        var i = 19
        var nanos = 0
        if i < b.count && b[i] == 46 {
            i += 1
            var digits = 0
            while i < b.count, b[i] >= 48, b[i] <= 57 {
                if digits < 9 { nanos = nanos * 10 + Int(b[i] - 48) }
                digits += 1
                i += 1
            }
            guard digits > 0 else { return nil }
            for _ in digits..<max(digits, 9) { nanos *= 10 }
        }
        guard i < b.count else { return nil }
        var offset = 0
        if b[i] == 90 || b[i] == 122 {
            i += 1
        } else if b[i] == 43 || b[i] == 45 {
            guard let oh = num(i + 1, 2), b.count > i + 3, b[i + 3] == 58, let om = num(i + 4, 2),
                oh < 24, om < 60
            else { return nil }
            offset = (oh * 60 + om) * 60 * (b[i] == 45 ? -1 : 1)
            i += 6
        } else {
            return nil
        }
        guard i == b.count else { return nil }
        let days = CivilDate.days(year: year, month: month, day: day)
        let secs = Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second) - Int64(offset)
        guard secs >= CELTimestamp.minSeconds, secs <= CELTimestamp.maxSeconds else { return nil }
        self.init(seconds: secs, nanos: Int32(nanos))
    }

    /// Go's `time.RFC3339Nano` in UTC: fraction without trailing zeros, `Z` suffix.
    var rfc3339: String {
        let c = components(offsetSeconds: 0)
        func pad(_ v: Int, _ n: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, n - s.count)) + s
        }
        var text = "\(pad(c.year, 4))-\(pad(c.month, 2))-\(pad(c.day, 2))T\(pad(c.hour, 2)):\(pad(c.minute, 2)):\(pad(c.second, 2))"
        if nanos > 0 {
            var fraction = pad(Int(nanos), 9)
            while fraction.last == "0" { fraction.removeLast() }
            text += "." + fraction
        }
        return text + "Z"
    }

    // MARK: Calendar

    struct Components {
        var year, month, day, hour, minute, second, dayOfWeek, dayOfYear: Int
    }

    /// Civil-time fields at a fixed UTC offset.
    func components(offsetSeconds: Int) -> Components {
        let local = seconds + Int64(offsetSeconds)
        let (d, r) = local.quotientAndRemainder(dividingBy: 86_400)
        let days = r < 0 ? d - 1 : d
        let secOfDay = Int(r < 0 ? r + 86_400 : r)
        let (y, m, day) = CivilDate.date(days: Int(days))
        let jan1 = CivilDate.days(year: y, month: 1, day: 1)
        // 1970-01-01 was a Thursday (4).
        let weekday = ((Int(days) % 7) + 7 + 4) % 7
        return Components(
            year: y, month: m, day: day, hour: secOfDay / 3600, minute: secOfDay / 60 % 60,
            second: secOfDay % 60, dayOfWeek: weekday, dayOfYear: Int(days) - jan1)
    }

    /// UTC offset in seconds for a CEL time zone argument: `UTC`, `+05:30`/`-08:00`, or an IANA
    /// name (looked up with Foundation's time zone database).
    func offset(forZone zone: String) throws(CELError) -> Int {
        if zone == "UTC" || zone == "Z" { return 0 }
        let b = Array(zone.utf8)
        if b.count == 6, b[0] == 43 || b[0] == 45, b[3] == 58,
            let h = Int(String(zone.dropFirst().prefix(2))), let m = Int(String(zone.suffix(2)))
        {
            return (h * 3600 + m * 60) * (b[0] == 45 ? -1 : 1)
        }
        guard let tz = TimeZone(identifier: zone) else {
            throw CELError("unknown time zone: \(zone)")
        }
        return tz.secondsFromGMT(for: Date(timeIntervalSince1970: Double(seconds)))
    }


}
