import Foundation
import KubeCore

/// metav1.MicroTime: RFC 3339 in UTC with exactly six fractional digits
/// (`2026-01-01T00:00:00.123456Z`), the format of Lease `acquireTime`/`renewTime` and Event
/// `eventTime`. The API server rejects a Lease or events.k8s.io Event whose MicroTime lacks the
/// fraction, so these are never written as `KubeTime` (whole seconds).
public struct MicroTime: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Microseconds since the Unix epoch.
    public var microsecondsSinceEpoch: Int64

    public init(microsecondsSinceEpoch: Int64) {
        self.microsecondsSinceEpoch = microsecondsSinceEpoch
    }

    public init(_ date: Date) {
        microsecondsSinceEpoch = Int64((date.timeIntervalSince1970 * 1_000_000).rounded(.down))
    }

    /// Parses `2026-01-01T00:00:00.123456Z` (any number of fraction digits, or none, and offsets).
    public init?(rfc3339 text: String) {
        guard let whole = KubeTime(rfc3339: text) else { return nil }
        var micros: Int64 = 0
        if let dot = text.firstIndex(of: ".") {
            let digits = text[text.index(after: dot)...].prefix { $0.isASCII && $0.isNumber }
            let six = String((digits + "000000").prefix(6))
            micros = Int64(six) ?? 0
        }
        microsecondsSinceEpoch = whole.secondsSinceEpoch * 1_000_000 + micros
    }

    public var date: Date { Date(timeIntervalSince1970: Double(microsecondsSinceEpoch) / 1_000_000) }

    public var rfc3339: String {
        var seconds = microsecondsSinceEpoch / 1_000_000
        var fraction = microsecondsSinceEpoch % 1_000_000
        if fraction < 0 {
            seconds -= 1
            fraction += 1_000_000
        }
        let whole = KubeTime(secondsSinceEpoch: seconds).rfc3339
        let digits = String(fraction)
        return String(whole.dropLast()) + "." + String(repeating: "0", count: 6 - digits.count) + digits + "Z"
    }

    public var description: String { rfc3339 }

    public static func < (lhs: MicroTime, rhs: MicroTime) -> Bool {
        lhs.microsecondsSinceEpoch < rhs.microsecondsSinceEpoch
    }
}
