import Foundation

/// A point in time as the Kubernetes API writes it (metav1.Time): RFC 3339, UTC, whole seconds,
/// e.g. `2024-05-01T02:00:00Z`.
///
/// Kept as whole seconds since the epoch, because that is all the API keeps: a value with
/// fractions that went through the server comes back truncated, and comparing it with the
/// untruncated original would look like a change. Parsing accepts fractions and offsets
/// (`2024-05-01T04:00:00.5+02:00`), since other writers produce them; they are normalised to UTC
/// and truncated.
///
/// Formatting and parsing are done by hand rather than with a shared `DateFormatter`, which is
/// neither `Sendable` nor cheap.
public struct KubeTime: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public var secondsSinceEpoch: Int64

    public init(secondsSinceEpoch: Int64) {
        self.secondsSinceEpoch = secondsSinceEpoch
    }

    /// Truncates `date` to the whole second at or before it.
    public init(_ date: Date) {
        self.secondsSinceEpoch = Int64(date.timeIntervalSince1970.rounded(.down))
    }

    /// The current time; controllers should take time from their injected clock instead.
    public static var now: KubeTime { KubeTime(Date()) }

    public var date: Date { Date(timeIntervalSince1970: TimeInterval(secondsSinceEpoch)) }

    public func adding(seconds: Int64) -> KubeTime {
        KubeTime(secondsSinceEpoch: secondsSinceEpoch + seconds)
    }

    /// Seconds from `other` to `self` (negative when `self` is earlier).
    public func seconds(since other: KubeTime) -> Int64 {
        secondsSinceEpoch - other.secondsSinceEpoch
    }

    public static func < (lhs: KubeTime, rhs: KubeTime) -> Bool {
        lhs.secondsSinceEpoch < rhs.secondsSinceEpoch
    }

    // MARK: Text

    /// `YYYY-MM-DDTHH:MM:SSZ`.
    public var rfc3339: String {
        let days = secondsSinceEpoch >= 0 ? secondsSinceEpoch / 86_400 : (secondsSinceEpoch - 86_399) / 86_400
        let secondOfDay = secondsSinceEpoch - days * 86_400
        let civil = CivilDate.date(days: Int(days))
        let (year, month, day) = (Int64(civil.year), Int64(civil.month), Int64(civil.day))
        func pad(_ value: Int64, _ width: Int) -> String {
            let text = String(value)
            return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(secondOfDay / 3600, 2)):"
            + "\(pad(secondOfDay / 60 % 60, 2)):\(pad(secondOfDay % 60, 2))Z"
    }

    public var description: String { rfc3339 }

    /// Parses RFC 3339 (`2024-05-01T02:00:00Z`, optional fraction, `Z` or `±HH:MM`); nil when the
    /// text is not such a time.
    public init?(rfc3339 text: String) {
        let b = Array(text.utf8)
        func digits(_ start: Int, _ count: Int) -> Int64? {
            guard start + count <= b.count else { return nil }
            var value: Int64 = 0
            for i in start..<(start + count) {
                guard (48...57).contains(b[i]) else { return nil }
                value = value * 10 + Int64(b[i] - 48)
            }
            return value
        }
        func byte(_ i: Int, _ expected: Character...) -> Bool {
            i < b.count && expected.contains(Character(UnicodeScalar(b[i])))
        }
        guard let year = digits(0, 4), byte(4, "-"), let month = digits(5, 2), byte(7, "-"),
              let day = digits(8, 2), byte(10, "T", "t"), let hour = digits(11, 2), byte(13, ":"),
              let minute = digits(14, 2), byte(16, ":"), let second = digits(17, 2)
        else { return nil }
        guard (1...12).contains(month), (1...Self.daysIn(month: month, year: year)).contains(day),
              hour < 24, minute < 60, second < 61
        else { return nil }
        var i = 19
        if byte(i, ".") {
            i += 1
            let start = i
            while i < b.count, (48...57).contains(b[i]) { i += 1 }
            guard i > start else { return nil }
        }
        var offset: Int64 = 0
        if byte(i, "Z", "z") {
            i += 1
        } else if byte(i, "+", "-") {
            let sign: Int64 = b[i] == UInt8(ascii: "-") ? -1 : 1
            guard let oh = digits(i + 1, 2), byte(i + 3, ":"), let om = digits(i + 4, 2), oh < 24, om < 60 else {
                return nil
            }
            offset = sign * (oh * 3600 + om * 60)
            i += 6
        } else {
            return nil
        }
        guard i == b.count else { return nil }
        let days = Int64(CivilDate.days(year: Int(year), month: Int(month), day: Int(day)))
        self.secondsSinceEpoch = days * 86_400 + hour * 3600 + minute * 60 + min(second, 59) - offset
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let time = KubeTime(rfc3339: text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "\(text.debugDescription) is not an RFC 3339 time")
        }
        self = time
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rfc3339)
    }


    static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}
