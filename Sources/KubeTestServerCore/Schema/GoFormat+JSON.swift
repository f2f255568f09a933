extension GoFormat {
    /// A string as Go's `encoding/json` writes it: HTML-safe (`<`, `>`, `&` as `\u003c`, `\u003e`,
    /// `\u0026`), control characters as `\n`, `\r`, `\t` or `\u00XX`, and U+2028/U+2029 escaped.
    /// apimachinery shows a struct value in a field error this way (`Invalid value:
    /// {"Rule":"self.replicas \u003e 'a'",...}`, golden 094).
    static func jsonString(_ s: String) -> String {
        var out = "\""
        for c in s.unicodeScalars {
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "<", ">", "&", "\u{2028}", "\u{2029}":
                out += "\\u" + String(repeating: "0", count: 4 - String(c.value, radix: 16).count) + String(c.value, radix: 16)
            default:
                if c.value < 0x20 {
                    out += "\\u00" + (c.value < 16 ? "0" : "") + String(c.value, radix: 16)
                } else {
                    out.unicodeScalars.append(c)
                }
            }
        }
        return out + "\""
    }
}
