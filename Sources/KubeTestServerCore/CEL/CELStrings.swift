/// String methods: the CEL standard ones (`contains`, `startsWith`, `endsWith`, `matches`) and
/// cel-go's strings extension as Kubernetes enables it (`charAt`, `indexOf`, `lastIndexOf`,
/// `lowerAscii`, `upperAscii`, `replace`, `split`, `substring`, `trim`, `reverse`), plus the
/// Kubernetes regex library (`find`, `findAll`). Indices count Unicode code points, as cel-go's do.
enum CELStrings {
    /// The result, or nil when `name` with these arguments is not a string method.
    static func call(_ name: String, _ s: String, _ args: [CELValue]) throws(CELError) -> CELValue? {
        switch (name, args.count) {
        case ("contains", 1):
            return .bool(utf8Contains(s, try string(args[0], name, s)))
        case ("startsWith", 1): return .bool(Array(s.utf8).starts(with: Array(try string(args[0], name, s).utf8)))
        case ("endsWith", 1):
            let suffix = Array(try string(args[0], name, s).utf8)
            return .bool(Array(s.utf8).reversed().starts(with: suffix.reversed()))
        case ("matches", 1): return .bool(try CELRegex(try string(args[0], name, s)).matches(s))
        case ("find", 1): return .string(try CELRegex(try string(args[0], name, s)).find(s))
        case ("findAll", 1): return .list(try CELRegex(try string(args[0], name, s)).findAll(s, limit: -1).map(CELValue.string))
        case ("findAll", 2):
            let regex = try CELRegex(try string(args[0], name, s))
            return .list(regex.findAll(s, limit: Int(clamping: try int(args[1], name, s))).map(CELValue.string))
        case ("format", 1):
            guard case let .list(items) = args[0] else { throw .noSuchOverload(name, [.string(s)] + args) }
            return .string(try CELStringFormat.format(s, items))
        case ("lowerAscii", 0): return .string(mapASCII(s, lower: true))
        case ("upperAscii", 0): return .string(mapASCII(s, lower: false))
        case ("trim", 0): return .string(trim(s))
        case ("reverse", 0):
            var out = String.UnicodeScalarView()
            out.append(contentsOf: s.unicodeScalars.reversed())
            return .string(String(out))
        case ("charAt", 1):
            let chars = Array(s.unicodeScalars)
            let i = try int(args[0], name, s)
            guard i >= 0 && i <= Int64(chars.count) else { throw CELError("index out of range: \(i)") }
            return .string(i == chars.count ? "" : String(Character(chars[Int(i)])))
        case ("indexOf", 1), ("indexOf", 2):
            let chars = Array(s.unicodeScalars)
            let sub = Array(try string(args[0], name, s).unicodeScalars)
            let offset = args.count == 2 ? try int(args[1], name, s) : 0
            guard offset >= 0 && offset <= Int64(chars.count) else { throw CELError("index out of range: \(offset)") }
            let start = Int(offset)
            if sub.isEmpty { return .int(offset) }
            if sub.count > chars.count - start { return .int(-1) }
            for i in start...(chars.count - sub.count) where chars[i..<(i + sub.count)].elementsEqual(sub) {
                return .int(Int64(i))
            }
            return .int(-1)
        case ("lastIndexOf", 1), ("lastIndexOf", 2):
            let chars = Array(s.unicodeScalars)
            let sub = Array(try string(args[0], name, s).unicodeScalars)
            let offset = args.count == 2 ? try int(args[1], name, s) : Int64(chars.count)
            guard offset >= 0 && offset <= Int64(chars.count) else { throw CELError("index out of range: \(offset)") }
            if sub.isEmpty { return .int(offset) }
            var i = min(Int(offset), chars.count - sub.count)
            while i >= 0 {
                if chars[i..<(i + sub.count)].elementsEqual(sub) { return .int(Int64(i)) }
                i -= 1
            }
            return .int(-1)
        case ("substring", 1), ("substring", 2):
            let chars = Array(s.unicodeScalars)
            let start = try int(args[0], name, s)
            let end = args.count == 2 ? try int(args[1], name, s) : Int64(chars.count)
            if args.count == 2 && start > end {
                throw CELError("invalid substring range. start: \(start), end: \(end)")
            }
            guard start >= 0 && start <= Int64(chars.count) else { throw CELError("index out of range: \(start)") }
            guard end >= 0 && end <= Int64(chars.count) else { throw CELError("index out of range: \(end)") }
            var out = String.UnicodeScalarView()
            out.append(contentsOf: chars[Int(start)..<Int(end)])
            return .string(String(out))
        case ("replace", 2), ("replace", 3):
            let old = try string(args[0], name, s)
            let new = try string(args[1], name, s)
            let limit = args.count == 3 ? try int(args[2], name, s) : -1
            return .string(replace(s, old, new, limit: limit))
        case ("split", 1), ("split", 2):
            let separator = try string(args[0], name, s)
            let limit = args.count == 2 ? try int(args[1], name, s) : -1
            return .list(split(s, separator, limit: limit).map(CELValue.string))
        default:
            return nil
        }
    }

    private static func string(_ v: CELValue, _ name: String, _ s: String) throws(CELError) -> String {
        guard case let .string(x) = v else { throw .noSuchOverload(name, [.string(s), v]) }
        return x
    }

    private static func int(_ v: CELValue, _ name: String, _ s: String) throws(CELError) -> Int64 {
        guard case let .int(x) = v else { throw .noSuchOverload(name, [.string(s), v]) }
        return x
    }

    private static func utf8Contains(_ s: String, _ sub: String) -> Bool {
        let h = Array(s.utf8)
        let n = Array(sub.utf8)
        if n.isEmpty { return true }
        if n.count > h.count { return false }
        for i in 0...(h.count - n.count) where h[i..<(i + n.count)].elementsEqual(n) { return true }
        return false
    }

    private static func mapASCII(_ s: String, lower: Bool) -> String {
        var out = String.UnicodeScalarView()
        for c in s.unicodeScalars {
            if lower, c >= "A", c <= "Z", let l = Unicode.Scalar(c.value + 32) {
                out.append(l)
            } else if !lower, c >= "a", c <= "z", let u = Unicode.Scalar(c.value - 32) {
                out.append(u)
            } else {
                out.append(c)
            }
        }
        return String(out)
    }

    /// Go's `strings.TrimSpace`: Unicode white space at both ends.
    static func trim(_ s: String) -> String {
        let scalars = Array(s.unicodeScalars)
        var start = 0
        var end = scalars.count
        while start < end && scalars[start].properties.isWhitespace { start += 1 }
        while end > start && scalars[end - 1].properties.isWhitespace { end -= 1 }
        var out = String.UnicodeScalarView()
        out.append(contentsOf: scalars[start..<end])
        return String(out)
    }

    /// Go's `strings.Replace(s, old, new, n)`; n < 0 means all. An empty `old` matches before
    /// every code point and at the end.
    static func replace(_ s: String, _ old: String, _ new: String, limit: Int64) -> String {
        if limit == 0 || old == new { return s }
        let chars = Array(s.unicodeScalars)
        let pattern = Array(old.unicodeScalars)
        var out = String.UnicodeScalarView()
        var count: Int64 = 0
        var i = 0
        if pattern.isEmpty {
            while i <= chars.count {
                if limit < 0 || count < limit {
                    out.append(contentsOf: new.unicodeScalars)
                    count += 1
                }
                if i < chars.count { out.append(chars[i]) }
                i += 1
            }
            return String(out)
        }
        while i < chars.count {
            if (limit < 0 || count < limit), i + pattern.count <= chars.count,
                chars[i..<(i + pattern.count)].elementsEqual(pattern)
            {
                out.append(contentsOf: new.unicodeScalars)
                i += pattern.count
                count += 1
            } else {
                out.append(chars[i])
                i += 1
            }
        }
        return String(out)
    }

    /// Go's `strings.SplitN(s, sep, n)`: n == 0 gives no pieces, n < 0 all of them, otherwise at
    /// most n with the rest unsplit in the last. An empty separator splits into code points.
    static func split(_ s: String, _ separator: String, limit: Int64) -> [String] {
        if limit == 0 { return [] }
        let chars = Array(s.unicodeScalars)
        let sep = Array(separator.unicodeScalars)
        func str(_ slice: ArraySlice<Unicode.Scalar>) -> String {
            var v = String.UnicodeScalarView()
            v.append(contentsOf: slice)
            return String(v)
        }
        var pieces: [String] = []
        if sep.isEmpty {
            for (i, c) in chars.enumerated() {
                if limit > 0 && Int64(pieces.count) == limit - 1 {
                    pieces.append(str(chars[i...]))
                    return pieces
                }
                pieces.append(String(Character(c)))
            }
            return pieces
        }
        var start = 0
        var i = 0
        while i + sep.count <= chars.count {
            if limit > 0 && Int64(pieces.count) == limit - 1 { break }
            if chars[i..<(i + sep.count)].elementsEqual(sep) {
                pieces.append(str(chars[start..<i]))
                i += sep.count
                start = i
            } else {
                i += 1
            }
        }
        pieces.append(str(chars[start...]))
        return pieces
    }

    /// Go's `strconv.Quote`-like rendering used by `strings.quote` and in error messages.
    static func quote(_ s: String) -> String {
        var out = "\""
        for c in s.unicodeScalars {
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{07}": out += "\\a"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case "\u{0B}": out += "\\v"
            default:
                if c.value < 0x20 || c.value == 0x7F {
                    out += "\\x" + (c.value < 16 ? "0" : "") + String(c.value, radix: 16)
                } else {
                    out.unicodeScalars.append(c)
                }
            }
        }
        return out + "\""
    }
}
