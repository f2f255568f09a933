/// Go `time.Duration` parsing, which cel-go's `duration('1h30m')` uses.
enum CELDuration {
    /// Parses `[-+]?([0-9]*(\.[0-9]*)?[a-z]+)+` with units ns, us, µs, ms, s, m, h (or a bare
    /// `0`) into nanoseconds.
    static func parse(_ text: String) throws(CELError) -> Int64 {
        let invalid = CELError("time: invalid duration \"\(text)\"")
        var scalars = Array(text.unicodeScalars)[...]
        var negative = false
        if let first = scalars.first, first == "-" || first == "+" {
            negative = first == "-"
            scalars = scalars.dropFirst()
        }
        if scalars.count == 1 && scalars.first == "0" { return 0 }
        guard !scalars.isEmpty else { throw invalid }
        var total: Double = 0
        while !scalars.isEmpty {
            var number = ""
            while let c = scalars.first, c == "." || ("0"..."9").contains(c) {
                number.unicodeScalars.append(c)
                scalars = scalars.dropFirst()
            }
            guard !number.isEmpty, number != ".", let value = Double(number.hasPrefix(".") ? "0" + number : number)
            else { throw invalid }
            var unit = ""
            while let c = scalars.first, c != ".", !("0"..."9").contains(c) {
                unit.unicodeScalars.append(c)
                scalars = scalars.dropFirst()
            }
            let scale: Double
            switch unit {
            case "ns": scale = 1
            case "us", "µs", "μs": scale = 1e3
            case "ms": scale = 1e6
            case "s": scale = 1e9
            case "m": scale = 60e9
            case "h": scale = 3600e9
            case "": throw CELError("time: missing unit in duration \"\(text)\"")
            default: throw CELError("time: unknown unit \"\(unit)\" in duration \"\(text)\"")
            }
            total += value * scale
        }
        guard total < 9.223372036854775807e18 else { throw invalid }
        let nanos = Int64(total.rounded())
        return negative ? -nanos : nanos
    }
}
