import KubeCore

/// Go's `fmt` renderings that leak into API error messages.
///
/// The real server builds its messages with `%v`, `%q` and `%#v`; clients (and our golden
/// expectations) compare those texts literally, so we reproduce Go's spelling rather than
/// Swift's or JSON's: `1e+06` not `1000000.0`, `"a<b"` not `"a\u003cb"`,
/// `map[string]interface {}{"a":1}` not `{"a":1}`.
enum GoFormat {
    /// `%v` of a float64: strconv.FormatFloat(v, 'g', -1, 64), i.e. the shortest digits, with an
    /// exponent when it is below -4 or at least 6 (`fmt.Println(1e6)` prints `1e+06`).
    static func float(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Inf" : "+Inf" }
        if value == 0 { return value.sign == .minus ? "-0" : "0" }
        let (negative, digits, pointPosition) = shortestDigits(value)
        let exponent = pointPosition - 1
        var out = negative ? "-" : ""
        if exponent < -4 || exponent >= 6 {
            out += String(digits.first ?? "0")
            if digits.count > 1 { out += "." + digits.dropFirst() }
            out += "e" + (exponent < 0 ? "-" : "+")
            let magnitude = String(abs(exponent))
            out += magnitude.count < 2 ? "0" + magnitude : magnitude
            return out
        }
        if pointPosition <= 0 {
            out += "0." + String(repeating: "0", count: -pointPosition) + digits
        } else if pointPosition >= digits.count {
            out += digits + String(repeating: "0", count: pointPosition - digits.count)
        } else {
            let split = digits.index(digits.startIndex, offsetBy: pointPosition)
            out += digits[..<split] + "." + digits[split...]
        }
        return out
    }

    /// The shortest round-tripping decimal digits of `value` (Swift's `description` finds them)
    /// and where the decimal point sits relative to them: 1234.5 → ("12345", 4).
    private static func shortestDigits(_ value: Double) -> (negative: Bool, digits: String, point: Int) {
        var text = "\(abs(value))"
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            exponent = Int(text[text.index(after: e)...]) ?? 0
            text = String(text[..<e])
        }
        var intPart = text
        var fracPart = ""
        if let dot = text.firstIndex(of: ".") {
            intPart = String(text[..<dot])
            fracPart = String(text[text.index(after: dot)...])
        }
        var digits = intPart + fracPart
        var point = intPart.count + exponent
        while digits.first == "0", digits.count > 1 {
            digits.removeFirst()
            point -= 1
        }
        while digits.last == "0", digits.count > 1 { digits.removeLast() }
        return (value < 0, digits, point)
    }

    /// `%q` of a string: strconv.Quote (KubeCore's `GoQuote`, shared with the controllers'
    /// messages).
    static func quote(_ s: String) -> String { GoQuote.quote(s) }

    /// `%v` of a JSON value as it sits in an unstructured object (used for numbers and bools).
    static func value(_ value: JSON) -> String {
        switch value {
        case .null: return "<nil>"
        case let .bool(b): return b ? "true" : "false"
        case let .int(i): return String(i)
        case let .double(d): return float(d)
        case let .string(s): return s
        case .array, .object: return goSyntax(value)
        }
    }

    /// `%#v` of an unstructured value: `map[string]interface {}{"a":1}`,
    /// `[]interface {}{"x", 2}`, `interface {}(nil)` for a null inside a container.
    static func goSyntax(_ value: JSON, nested: Bool = false) -> String {
        switch value {
        case .null: return nested ? "interface {}(nil)" : "<nil>"
        case let .bool(b): return b ? "true" : "false"
        case let .int(i): return String(i)
        case let .double(d): return float(d)
        case let .string(s): return quote(s)
        case let .array(a):
            return "[]interface {}{" + a.map { goSyntax($0, nested: true) }.joined(separator: ", ") + "}"
        case let .object(o):
            let body = o.keys.sorted().map { key in
                quote(key) + ":" + goSyntax(o[key] ?? .null, nested: true)
            }
            return "map[string]interface {}{" + body.joined(separator: ", ") + "}"
        }
    }
}
