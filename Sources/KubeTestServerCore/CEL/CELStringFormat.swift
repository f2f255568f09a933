import Foundation

/// cel-go's `'...'.format([args])` (strings extension), mostly met in `messageExpression`s:
/// `%s` any value, `%d` integers, `%f`/`%.2f` and `%e` doubles, `%x`/`%X`/`%o`/`%b` integers and
/// strings, `%%` a percent sign.
enum CELStringFormat {
    static func format(_ template: String, _ args: [CELValue]) throws(CELError) -> String {
        var out = ""
        var chars = Array(template)[...]
        var next = 0
        func argument() throws(CELError) -> CELValue {
            guard next < args.count else {
                throw CELError("index \(next) out of range")
            }
            defer { next += 1 }
            return args[next]
        }
        while let c = chars.popFirst() {
            guard c == "%" else {
                out.append(c)
                continue
            }
            var precision: Int?
            if chars.first == "." {
                chars.removeFirst()
                var digits = ""
                while let d = chars.first, d.isASCII, d.isNumber {
                    digits.append(d)
                    chars.removeFirst()
                }
                precision = Int(digits) ?? 0
            }
            guard let verb = chars.popFirst() else {
                throw CELError("unexpected end of format string")
            }
            switch verb {
            case "%": out += "%"
            case "s": out += display(try argument())
            case "d":
                let v = try argument()
                switch v {
                case let .int(i): out += String(i)
                case let .uint(u): out += String(u)
                case let .double(d) where d.isNaN || d.isInfinite: out += CELFormat.double(d)
                default: throw CELError("error during formatting: decimal clause can only be used on integers, was given \(v.typeName)")
                }
            case "f", "e":
                let v = try argument()
                let d: Double
                switch v {
                case let .double(x): d = x
                case let .int(x): d = Double(x)
                case let .uint(x): d = Double(x)
                default: throw CELError("error during formatting: fixed-point clause can only be used on doubles, was given \(v.typeName)")
                }
                if d.isNaN || d.isInfinite {
                    out += d.isNaN ? "NaN" : (d < 0 ? "-Infinity" : "Infinity")
                } else {
                    out += String(format: "%.\(precision ?? 6)\(verb)", d)
                }
            case "x", "X", "o", "b":
                let v = try argument()
                let radix = verb == "o" ? 8 : (verb == "b" ? 2 : 16)
                var text: String
                switch v {
                case let .int(i): text = (i < 0 ? "-" : "") + String(i.magnitude, radix: radix)
                case let .uint(u): text = String(u, radix: radix)
                case let .string(s) where radix == 16: text = s.utf8.map { String(format: "%02x", $0) }.joined()
                case let .bytes(b) where radix == 16: text = b.map { String(format: "%02x", $0) }.joined()
                case let .bool(b) where radix == 2: text = b ? "1" : "0"
                default: throw CELError("error during formatting: only integers, byte buffers, and strings can be formatted as hex, was given \(v.typeName)")
                }
                if verb == "X" { text = text.uppercased() }
                out += text
            default:
                throw CELError("could not parse formatting clause: unrecognized formatting clause \"\(verb)\"")
            }
        }
        return out
    }

    /// `%s` rendering: strings bare, lists and maps with their elements, other values as
    /// `string()` would give them.
    static func display(_ v: CELValue) -> String {
        switch v {
        case let .string(s): return s
        case .null: return "null"
        case let .list(l): return "[" + l.map(displayNested).joined(separator: ", ") + "]"
        case let .map(m):
            let entries = m.entries.map { (key: displayNested($0.key), value: displayNested($0.value)) }
                .sorted { $0.key < $1.key }
            return "{" + entries.map { "\($0.key): \($0.value)" }.joined(separator: ", ") + "}"
        case let .bytes(b): return String(decoding: b, as: UTF8.self)
        case let .optional(o): return o.value.map { "optional(\(displayNested($0)))" } ?? "optional.none()"
        default: return (try? CELConversions.toString(v)).flatMap { if case let .string(s) = $0 { s } else { nil } } ?? v.plainDescription
        }
    }

    /// Inside lists and maps strings are quoted, as cel-go prints them.
    private static func displayNested(_ v: CELValue) -> String {
        if case let .string(s) = v { return CELStrings.quote(s) }
        return display(v)
    }
}
