/// Durations in Go's `time.ParseDuration` syntax (`30s`, `1h30m`, `1.5h`, `300ms`), which users of
/// Kubernetes tools write everywhere; errors are worded as Go words them.
public enum GoDuration {
    public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    private static let units: [(String, Double)] = [
        ("ns", 1e-9), ("us", 1e-6), ("µs", 1e-6), ("μs", 1e-6), ("ms", 1e-3), ("s", 1), ("m", 60), ("h", 3600),
    ]

    public static func parse(_ text: String) throws(ParseError) -> Duration {
        let quoted = "\"\(text)\""
        var rest = Substring(text)
        var negative = false
        if rest.first == "-" || rest.first == "+" {
            negative = rest.first == "-"
            rest = rest.dropFirst()
        }
        if rest == "0" { return .zero }
        guard !rest.isEmpty else { throw ParseError(message: "time: invalid duration \(quoted)") }
        var total = 0.0
        while !rest.isEmpty {
            let number = rest.prefix { $0.isNumber || $0 == "." }
            guard !number.isEmpty, number != ".", let value = Double(number) else {
                throw ParseError(message: "time: invalid duration \(quoted)")
            }
            rest = rest.dropFirst(number.count)
            let unit = rest.prefix { !($0.isNumber || $0 == ".") }
            guard !unit.isEmpty else { throw ParseError(message: "time: missing unit in duration \(quoted)") }
            guard let scale = units.first(where: { $0.0 == unit })?.1 else {
                throw ParseError(message: "time: unknown unit \"\(unit)\" in duration \(quoted)")
            }
            rest = rest.dropFirst(unit.count)
            total += value * scale
        }
        guard total < 9_223_372_036.854775807 else { throw ParseError(message: "time: invalid duration \(quoted)") }
        let nanoseconds = Int64((total * 1e9).rounded())
        return .nanoseconds(negative ? -nanoseconds : nanoseconds)
    }
}
