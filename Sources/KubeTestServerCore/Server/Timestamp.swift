import Foundation

/// RFC 3339 timestamps as the API writes them: `metav1.Time` in whole seconds, `MicroTime`
/// with six fractional digits, always UTC.
public enum Timestamp {
    public static func seconds(_ date: Date) -> String {
        format(date, micro: false)
    }

    public static func micro(_ date: Date) -> String {
        format(date, micro: true)
    }

    static func format(_ date: Date, micro: Bool) -> String {
        let interval = date.timeIntervalSince1970
        var seconds = time_t(interval.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func pad(_ v: Int32, _ width: Int = 2) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        var text = "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1))-\(pad(parts.tm_mday))T\(pad(parts.tm_hour)):\(pad(parts.tm_min)):\(pad(parts.tm_sec))"
        if micro {
            let fraction = Int32(((interval - interval.rounded(.down)) * 1_000_000).rounded(.down))
            text += "." + pad(fraction, 6)
        }
        return text + "Z"
    }

    /// Parses `2026-01-02T03:04:05Z` or with a fraction or offset.
    public static func parse(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let d = formatter.date(from: text) { return d }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }

    /// kubectl's humanized age: `0s`, `45s`, `3m12s`, `5h`, `2d3h`, `12d`.
    public static func humanAge(from start: Date, to now: Date) -> String {
        let seconds = max(0, Int(now.timeIntervalSince(start)))
        if seconds < 120 { return "\(seconds)s" }
        let minutes = seconds / 60
        if minutes < 10 { return seconds % 60 == 0 ? "\(minutes)m" : "\(minutes)m\(seconds % 60)s" }
        if minutes < 180 { return "\(minutes)m" }
        let hours = minutes / 60
        if hours < 8 { return minutes % 60 == 0 ? "\(hours)h" : "\(hours)h\(minutes % 60)m" }
        if hours < 48 { return "\(hours)h" }
        let days = hours / 24
        if days < 8 { return hours % 24 == 0 ? "\(days)d" : "\(days)d\(hours % 24)h" }
        if days < 365 * 2 { return "\(days)d" }
        return "\(days / 365)y"
    }
}
