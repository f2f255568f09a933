import Foundation

/// Text renderings cel-go produces, so that `string(x)` and error messages read the same.
enum CELFormat {
    /// Go's `strconv.FormatFloat(d, 'g', -1, 64)`, which cel-go uses for `string(double)`:
    /// shortest round-trip digits, exponent form (`1e+06`, `1e-05`) when the decimal exponent is
    /// below -4 or at least 6.
    static func double(_ d: Double) -> String {
        if d.isNaN { return "NaN" }
        if d.isInfinite { return d < 0 ? "-Inf" : "+Inf" }
        if d == 0 { return d.sign == .minus ? "-0" : "0" }
        let (digits, pointPosition) = shortestDigits(abs(d))
        let sign = d < 0 ? "-" : ""
        let exp = pointPosition - 1
        if exp < -4 || exp >= 6 {
            // %e with all significant digits.
            var mantissa = String(digits.first ?? "0")
            if digits.count > 1 { mantissa += "." + digits.dropFirst() }
            let e = abs(exp)
            let expText = e < 10 ? "0\(e)" : "\(e)"
            return "\(sign)\(mantissa)e\(exp < 0 ? "-" : "+")\(expText)"
        }
        // %f with just enough decimals.
        if pointPosition <= 0 {
            return sign + "0." + String(repeating: "0", count: -pointPosition) + digits
        }
        if pointPosition >= digits.count {
            return sign + digits + String(repeating: "0", count: pointPosition - digits.count)
        }
        let i = digits.index(digits.startIndex, offsetBy: pointPosition)
        return sign + digits[..<i] + "." + digits[i...]
    }

    /// Shortest round-trip decimal digits of a positive finite double (no leading/trailing
    /// zeros) and the decimal point position: value = 0.DIGITS × 10^pointPosition.
    static func shortestDigits(_ d: Double) -> (String, Int) {
        let text = "\(d)"  // Swift prints the shortest round-trip form, e.g. 1.5, 1e-05, 1.2e+20
        var mantissa = Substring(text)
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = text[..<e]
            exponent = Int(text[text.index(after: e)...]) ?? 0
        }
        var intPart = mantissa
        var fracPart: Substring = ""
        if let dot = mantissa.firstIndex(of: ".") {
            intPart = mantissa[..<dot]
            fracPart = mantissa[mantissa.index(after: dot)...]
        }
        var digits = String(intPart) + fracPart
        var point = intPart.count + exponent
        while digits.first == "0" {
            digits.removeFirst()
            point -= 1
        }
        while digits.last == "0" { digits.removeLast() }
        if digits.isEmpty { return ("0", 1) }
        return (digits, point)
    }

    /// cel-go's `string(duration)`: seconds with the fraction Go's 'f' formatting gives, e.g.
    /// `3600s`, `1.5s`, `0.001s`.
    static func duration(_ nanos: Int64) -> String {
        let negative = nanos < 0
        let magnitude = nanos.magnitude
        let seconds = magnitude / 1_000_000_000
        var fraction = String(magnitude % 1_000_000_000)
        var text = String(seconds)
        if fraction != "0" {
            fraction = String(repeating: "0", count: 9 - fraction.count) + fraction
            while fraction.last == "0" { fraction.removeLast() }
            text += "." + fraction
        }
        return (negative ? "-" : "") + text + "s"
    }

    static func base64(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
    }
}
