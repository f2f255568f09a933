extension JSON {
    /// Compact JSON with object keys sorted, the way the API server writes unstructured objects
    /// (Go's encoding/json sorts map keys, and escapes `<`, `>`, `&` for HTML safety).
    public func serialized() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        write(into: &out)
        return out
    }

    public func serializedString() -> String {
        String(decoding: serialized(), as: UTF8.self)
    }

    /// Appends the compact serialization to `out`.
    public func write(into out: inout [UInt8]) {
        switch self {
        case .null: out.append(contentsOf: "null".utf8)
        case let .bool(b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case let .int(i): JSON.writeInt(i, into: &out)
        case let .double(d): JSON.writeDouble(d, into: &out)
        case let .string(s): JSON.writeString(s, into: &out)
        case let .array(a):
            out.append(UInt8(ascii: "["))
            for (i, element) in a.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                element.write(into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case let .object(o):
            out.append(UInt8(ascii: "{"))
            var first = true
            // Members sorted whole: sorting the keys and then looking each one up hashed every
            // key once more.
            for (key, value) in o.sorted(by: { $0.key < $1.key }) {
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                JSON.writeString(key, into: &out)
                out.append(UInt8(ascii: ":"))
                value.write(into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// Decimal digits of `value`, as `String(value)` writes them, without making the string.
    static func writeInt(_ value: Int64, into out: inout [UInt8]) {
        if value < 0 { out.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var start = 20
            repeat {
                start -= 1
                digits[start] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            out.append(contentsOf: UnsafeBufferPointer(rebasing: digits[start..<20]))
        }
    }

    /// Indented JSON (two spaces), for humans and golden comparisons.
    public func prettyString() -> String {
        var out: [UInt8] = []
        writePretty(into: &out, indent: 0)
        return String(decoding: out, as: UTF8.self)
    }

    private func writePretty(into out: inout [UInt8], indent: Int) {
        func newline(_ level: Int) {
            out.append(0x0a)
            out.append(contentsOf: repeatElement(0x20, count: level * 2))
        }
        switch self {
        case let .array(a) where !a.isEmpty:
            out.append(UInt8(ascii: "["))
            for (i, element) in a.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                newline(indent + 1)
                element.writePretty(into: &out, indent: indent + 1)
            }
            newline(indent)
            out.append(UInt8(ascii: "]"))
        case let .object(o) where !o.isEmpty:
            out.append(UInt8(ascii: "{"))
            for (i, key) in o.keys.sorted().enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                newline(indent + 1)
                JSON.writeString(key, into: &out)
                out.append(contentsOf: ": ".utf8)
                o[key]!.writePretty(into: &out, indent: indent + 1)
            }
            newline(indent)
            out.append(UInt8(ascii: "}"))
        default:
            write(into: &out)
        }
    }

    static func writeDouble(_ d: Double, into out: inout [UInt8]) {
        guard d.isFinite else {
            // JSON has no NaN or infinity; Go refuses to encode them. Write null rather than
            // produce a document nobody can parse.
            out.append(contentsOf: "null".utf8)
            return
        }
        if let whole = Int64(exactly: d) {
            out.append(contentsOf: String(whole).utf8)
            return
        }
        if d == d.rounded(), abs(d) < 1e21 {
            // Past Int64 but below 1e21 Go still writes plain digits: the shortest digits that
            // read back as `d`, then zeros (1e19 → 10000000000000000000).
            out.append(contentsOf: plainDigits(d).utf8)
            return
        }
        var text = "\(d)"
        // Go writes exponents without padding: 1e-07 → 1e-7.
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            let mantissa = text[..<e]
            var exponent = text[text.index(after: e)...]
            var sign = ""
            if exponent.first == "-" || exponent.first == "+" {
                sign = exponent.first == "-" ? "-" : "+"
                exponent = exponent.dropFirst()
            }
            while exponent.count > 1, exponent.first == "0" { exponent = exponent.dropFirst() }
            text = "\(mantissa)e\(sign)\(exponent)"
        }
        out.append(contentsOf: text.utf8)
    }

    /// A whole `d` of at least 2^63 written without an exponent, from Swift's shortest form
    /// (`1.2345678901234567e+20` → `123456789012345670000`).
    static func plainDigits(_ d: Double) -> String {
        let text = "\(abs(d))"
        guard let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }), let exponent = Int(text[text.index(after: e)...]) else {
            return (d < 0 ? "-" : "") + (text.hasSuffix(".0") ? String(text.dropLast(2)) : text)
        }
        let mantissa = text[..<e]
        let parts = mantissa.split(separator: ".", omittingEmptySubsequences: false)
        let integer = parts[0]
        let fraction = parts.count > 1 ? String(parts[1]) : ""
        let digits = (integer + fraction).drop { $0 == "0" }
        let length = integer.count + exponent
        let padded = String(digits) + String(repeating: "0", count: max(0, length - digits.count))
        return (d < 0 ? "-" : "") + padded
    }

    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    static func writeString(_ s: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var s = s
        s.withUTF8 { utf8 in
            var runStart = 0
            var i = 0
            while i < utf8.count {
                let byte = utf8[i]
                // Most bytes need nothing: printable ASCII other than `"`, `\`, `<`, `>`, `&`,
                // and every byte of a multi-byte character but the lead byte of U+2028/U+2029.
                guard byte < 0x20 || byte == 0x22 || byte == 0x5c || byte == 0x3c || byte == 0x3e || byte == 0x26 || byte == 0xe2 else {
                    i += 1
                    continue
                }
                var escape: [UInt8]? = nil
                var skip = 1
                switch byte {
                case UInt8(ascii: "\""): escape = [0x5c, 0x22]
                case UInt8(ascii: "\\"): escape = [0x5c, 0x5c]
                case 0x0a: escape = [0x5c, UInt8(ascii: "n")]
                case 0x0d: escape = [0x5c, UInt8(ascii: "r")]
                case 0x09: escape = [0x5c, UInt8(ascii: "t")]
                case 0x00..<0x20, UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "&"):
                    escape = [0x5c, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0xf)]]
                case 0xe2 where i + 2 < utf8.count && utf8[i + 1] == 0x80 && (utf8[i + 2] == 0xa8 || utf8[i + 2] == 0xa9):
                    // U+2028 and U+2029 break JavaScript string literals; Go escapes them.
                    escape = Array("\\u202\(utf8[i + 2] == 0xa8 ? "8" : "9")".utf8)
                    skip = 3
                default: break
                }
                if let escape {
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<i]))
                    out.append(contentsOf: escape)
                    i += skip
                    runStart = i
                } else {
                    i += 1
                }
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<utf8.count]))
        }
        out.append(UInt8(ascii: "\""))
    }
}
