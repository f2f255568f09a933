/// Go's `time.Duration.String()`, which `metav1.Duration` writes into JSON: `1h2m3.5s`, `1.5ms`,
/// `2µs`, `0s` — the largest unit first, hours at most, trailing fraction zeros dropped.
enum GoDuration {
    static func string(nanoseconds: Int64) -> String {
        let negative = nanoseconds < 0
        var u = nanoseconds.magnitude
        var text: String
        if u < 1_000_000_000 {
            if u == 0 { return "0s" }
            let unit: String, precision: Int
            switch u {
            case ..<1000: unit = "ns"; precision = 0
            case ..<1_000_000: unit = "µs"; precision = 3
            default: unit = "ms"; precision = 6
            }
            let fraction = fractionDigits(&u, precision: precision)
            text = String(u) + fraction + unit
        } else {
            let fraction = fractionDigits(&u, precision: 9)
            text = String(u % 60) + fraction + "s"
            u /= 60
            if u > 0 {
                text = String(u % 60) + "m" + text
                u /= 60
                if u > 0 { text = String(u) + "h" + text }
            }
        }
        return negative ? "-" + text : text
    }

    /// The last `precision` decimal digits of `value` as `.123` without trailing zeros (empty when
    /// all are zero); leaves the integer part in `value`.
    private static func fractionDigits(_ value: inout UInt64, precision: Int) -> String {
        var digits: [Character] = []
        var printing = false
        for _ in 0..<precision {
            let digit = value % 10
            printing = printing || digit != 0
            if printing { digits.append(Character(String(digit))) }
            value /= 10
        }
        return printing ? "." + String(digits.reversed()) : ""
    }
}
