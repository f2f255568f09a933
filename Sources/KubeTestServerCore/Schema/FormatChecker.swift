/// The string formats a CRD schema's `format` is checked against.
///
/// The real server strips every format it does not support before validating (so `int32`,
/// `int64`, `float`, `double` are documentation only and never checked), and checks the rest
/// with go-openapi's validators; we mirror those checks closely enough for the values clients
/// actually send.
enum FormatChecker {
    /// apiextensions-apiserver's supported formats (names compared without dashes).
    static let supported: Set<String> = [
        "bsonobjectid", "uri", "email", "hostname", "ipv4", "ipv6", "cidr", "mac", "uuid", "uuid3",
        "uuid4", "uuid5", "isbn", "isbn10", "isbn13", "creditcard", "ssn", "hexcolor", "rgbcolor",
        "byte", "password", "date", "duration", "datetime",
    ]

    /// The format the server validates for a schema, or nil when it ignores it.
    static func validatedFormat(_ format: String?) -> String? {
        guard let format, !format.isEmpty else { return nil }
        return supported.contains(format.filter { $0 != "-" }) ? format : nil
    }

    static func validates(_ format: String, _ s: String) -> Bool {
        switch format.filter({ $0 != "-" }) {
        case "password": return true
        case "bsonobjectid": return s.utf8.count == 24 && s.allSatisfy(\.isHexDigit)
        case "uri": return isRequestURI(s)
        case "email": return isEmail(s)
        case "hostname": return isHostname(s)
        case "ipv4": return IPAddress.parseV4(s) != nil
        case "ipv6": return s.contains(":") && IPAddress.parseV6(s) != nil
        case "cidr": return isCIDR(s)
        case "mac": return isMAC(s)
        case "uuid": return matches(s, uuid)
        case "uuid3": return matches(s, uuid3)
        case "uuid4": return matches(s, uuid4)
        case "uuid5": return matches(s, uuid5)
        case "isbn": return isISBN10(s) || isISBN13(s)
        case "isbn10": return isISBN10(s)
        case "isbn13": return isISBN13(s)
        case "creditcard": return isCreditCard(s)
        case "ssn": return matches(s, ssn)
        case "hexcolor": return matches(s, hexColor)
        case "rgbcolor": return matches(s, rgbColor)
        case "byte": return matches(s, base64)
        case "date": return isDate(s)
        case "datetime": return isDateTime(s)
        case "duration": return isDuration(s)
        default: return true
        }
    }

    private static func matches(_ s: String, _ pattern: CompiledPattern?) -> Bool {
        pattern?.matches(s) ?? true
    }

    private static func compile(_ p: String) -> CompiledPattern? { try? CompiledPattern(p) }

    private static let uuid = compile(#"(?i)^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$"#)
    private static let uuid3 = compile(#"(?i)^[0-9a-f]{8}-?[0-9a-f]{4}-?3[0-9a-f]{3}-?[0-9a-f]{4}-?[0-9a-f]{12}$"#)
    private static let uuid4 = compile(#"(?i)^[0-9a-f]{8}-?[0-9a-f]{4}-?4[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$"#)
    private static let uuid5 = compile(#"(?i)^[0-9a-f]{8}-?[0-9a-f]{4}-?5[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$"#)
    private static let ssn = compile(#"^\d{3}[- ]?\d{2}[- ]?\d{4}$"#)
    private static let hexColor = compile(#"^#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$"#)
    private static let rgbColor = compile(#"^rgb\(\s*(0|[1-9]\d?|1\d\d?|2[0-4]\d|25[0-5])\s*,\s*(0|[1-9]\d?|1\d\d?|2[0-4]\d|25[0-5])\s*,\s*(0|[1-9]\d?|1\d\d?|2[0-4]\d|25[0-5])\s*\)$"#)
    private static let base64 = compile(#"^(?:[A-Za-z0-9+\/]{4})*(?:[A-Za-z0-9+\/]{2}==|[A-Za-z0-9+\/]{3}=|[A-Za-z0-9+\/]{4})$"#)
    private static let hostname = compile(#"^([a-zA-Z0-9\p{S}\p{L}]((-?[a-zA-Z0-9\p{S}\p{L}]{0,62})?)|([a-zA-Z0-9\p{S}\p{L}](([a-zA-Z0-9-\p{S}\p{L}]{0,61}[a-zA-Z0-9\p{S}\p{L}])?)(\.)){1,}([a-zA-Z0-9\p{S}\p{L}])(-?[a-zA-Z0-9\p{S}\p{L}]){1,62})$"#)
    private static let timeOfDay = compile(#"^([0-9]{2}):([0-9]{2}):([0-9]{2})(.[0-9]+)?(z|([+-][0-9]{2}:[0-9]{2}))$"#)
    private static let scalaDuration = compile(#"^\s*(?:\d+\s*[A-Za-zµ]+\s*)+$"#)

    static func isHostname(_ s: String) -> Bool {
        guard matches(s, hostname), s.utf8.count <= 255 else { return false }
        return s.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { $0.utf8.count <= 63 }
    }

    /// `time.Parse("2006-01-02", s)`.
    static func isDate(_ s: String) -> Bool {
        let parts = s.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
              (1...12).contains(month), day >= 1 else { return false }
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return day <= days[month - 1]
    }

    /// go-openapi's `IsDateTime`: an RFC 3339 date, a `T`, and a time of day with zone.
    static func isDateTime(_ s: String) -> Bool {
        guard s.utf8.count >= 4 else { return false }
        let parts = s.lowercased().split(separator: "t", omittingEmptySubsequences: false)
        guard parts.count >= 2, isDate(String(parts[0])) else { return false }
        guard let re = timeOfDay, let m = try? re.regex.firstMatch(in: String(parts[1])) else { return false }
        func group(_ i: Int) -> String { m.output[i].substring.map(String.init) ?? "" }
        return group(1) <= "23" && group(2) <= "59" && group(3) <= "59"
    }

    /// go-openapi's `ParseDuration`: Go's `time.ParseDuration`, else "3 days"-style text.
    static func isDuration(_ s: String) -> Bool {
        if isGoDuration(s) { return true }
        guard matches(s, scalaDuration) else { return false }
        let units: [[String]] = [["ns", "nano"], ["us", "µs", "micro"], ["ms", "milli"], ["s", "sec"],
                                 ["m", "min"], ["h", "hr", "hour"], ["d", "day"], ["w", "wk", "week"]]
        var found = false
        var i = s.startIndex
        while i < s.endIndex {
            guard s[i].isNumber else { i = s.index(after: i); continue }
            while i < s.endIndex, s[i].isNumber { i = s.index(after: i) }
            while i < s.endIndex, s[i].isWhitespace { i = s.index(after: i) }
            var unit = ""
            while i < s.endIndex, s[i].isLetter || s[i] == "µ" { unit.append(s[i]); i = s.index(after: i) }
            let lowered = unit.lowercased()
            for variants in units {
                for (n, v) in variants.enumerated() where (n == variants.count - 1 && lowered.hasPrefix(v)) || lowered == v {
                    found = true
                }
            }
        }
        return found
    }

    private static func isGoDuration(_ s: String) -> Bool {
        var chars = Array(s.unicodeScalars)
        if chars.first == "-" || chars.first == "+" { chars.removeFirst() }
        if chars.count == 1 && chars[0] == "0" { return true }
        if chars.isEmpty { return false }
        var i = 0
        let units: Set<String> = ["ns", "us", "µs", "μs", "ms", "s", "m", "h"]
        while i < chars.count {
            var digits = 0
            while i < chars.count, ("0"..."9").contains(chars[i]) { i += 1; digits += 1 }
            if i < chars.count, chars[i] == "." {
                i += 1
                while i < chars.count, ("0"..."9").contains(chars[i]) { i += 1; digits += 1 }
            }
            if digits == 0 { return false }
            var unit = ""
            while i < chars.count, chars[i] != ".", !("0"..."9").contains(chars[i]) {
                unit.unicodeScalars.append(chars[i])
                i += 1
            }
            if !units.contains(unit) { return false }
        }
        return true
    }

    /// Go's `url.ParseRequestURI`: an absolute URI, or an absolute path.
    static func isRequestURI(_ s: String) -> Bool {
        guard !s.isEmpty, !s.contains(where: { $0 == " " || $0.asciiValue.map { $0 < 0x20 || $0 == 0x7f } == true }) else { return false }
        if s.hasPrefix("/") { return true }
        guard let colon = s.firstIndex(of: ":"), colon != s.startIndex else { return false }
        let scheme = s[..<colon]
        guard let first = scheme.first, first.isLetter, first.isASCII,
              scheme.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "+-.".contains($0)) }) else { return false }
        return true
    }

    /// Roughly `net/mail.ParseAddress`: `local@domain`, optionally as `Name <local@domain>`.
    static func isEmail(_ s: String) -> Bool {
        var address = s.trimmingSpaces
        if let open = address.lastIndex(of: "<"), address.hasSuffix(">") {
            address = String(address[address.index(after: open)..<address.index(before: address.endIndex)])
        }
        guard let at = address.lastIndex(of: "@") else { return false }
        let local = address[..<at]
        let domain = address[address.index(after: at)...]
        return !local.isEmpty && !domain.isEmpty && !address.contains(" ")
            && !domain.hasPrefix(".") && !domain.hasSuffix(".") && !domain.contains("..")
    }

    static func isCIDR(_ s: String) -> Bool {
        let parts = s.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let bits = Int(parts[1]), parts[1].allSatisfy(\.isNumber),
              !(parts[1].count > 1 && parts[1].hasPrefix("0")) else { return false }
        if IPAddress.parseV4(String(parts[0])) != nil { return (0...32).contains(bits) }
        if IPAddress.parseV6(String(parts[0])) != nil { return (0...128).contains(bits) }
        return false
    }

    /// Go's `net.ParseMAC`: 6, 8 or 20 octets as `aa:bb:…`, `aa-bb-…` or `aabb.ccdd.…`.
    static func isMAC(_ s: String) -> Bool {
        for separator: Character in [":", "-"] where s.contains(separator) {
            let groups = s.split(separator: separator, omittingEmptySubsequences: false)
            return [6, 8, 20].contains(groups.count) && groups.allSatisfy { $0.count == 2 && $0.allSatisfy(\.isHexDigit) }
        }
        let groups = s.split(separator: ".", omittingEmptySubsequences: false)
        return [3, 4, 10].contains(groups.count) && groups.allSatisfy { $0.count == 4 && $0.allSatisfy(\.isHexDigit) }
    }

    static func isISBN10(_ s: String) -> Bool {
        let c = Array(s.filter { $0 != " " && $0 != "-" })
        guard c.count == 10, c[0..<9].allSatisfy(\.isNumber), c[9].isNumber || c[9] == "X" else { return false }
        var sum = 0
        for i in 0..<9 { sum += (i + 1) * (c[i].wholeNumberValue ?? 0) }
        sum += c[9] == "X" ? 100 : 10 * (c[9].wholeNumberValue ?? 0)
        return sum % 11 == 0
    }

    static func isISBN13(_ s: String) -> Bool {
        let c = Array(s.filter { $0 != " " && $0 != "-" })
        guard c.count == 13, c.allSatisfy({ $0.isASCII && $0.isNumber }) else { return false }
        var sum = 0
        for i in 0..<12 { sum += (c[i].wholeNumberValue ?? 0) * (i % 2 == 0 ? 1 : 3) }
        return (10 - sum % 10) % 10 == c[12].wholeNumberValue
    }

    static func isCreditCard(_ s: String) -> Bool {
        let digits = s.filter { $0.isASCII && $0.isNumber }
        guard digits.count >= 12, digits.count <= 19 else { return false }
        var sum = 0
        for (i, ch) in digits.reversed().enumerated() {
            var d = ch.wholeNumberValue ?? 0
            if i % 2 == 1 { d *= 2; if d > 9 { d -= 9 } }
            sum += d
        }
        return sum % 10 == 0
    }
}

/// IP address parsing as Go's `net.ParseIP` accepts it.
enum IPAddress {
    static func parseV4(_ s: String) -> [UInt8]? {
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var out: [UInt8] = []
        for p in parts {
            guard !p.isEmpty, p.count <= 3, p.allSatisfy({ $0.isASCII && $0.isNumber }),
                  !(p.count > 1 && p.hasPrefix("0")), let v = UInt8(p) else { return nil }
            out.append(v)
        }
        return out
    }

    static func parseV6(_ s: String) -> [UInt8]? {
        var text = Substring(s)
        var v4Tail: [UInt8] = []
        if let lastColon = text.lastIndex(of: ":"), text[text.index(after: lastColon)...].contains(".") {
            guard let v4 = parseV4(String(text[text.index(after: lastColon)...])) else { return nil }
            v4Tail = v4
            text = text[...lastColon]
            if !text.hasSuffix("::") { text = text.dropLast() }
        }
        let halves = text.split(separator: "::", omittingEmptySubsequences: false).map(String.init)
        guard halves.count <= 2 else { return nil }
        func groups(_ part: String) -> [UInt16]? {
            if part.isEmpty { return [] }
            var out: [UInt16] = []
            for g in part.split(separator: ":", omittingEmptySubsequences: false) {
                guard !g.isEmpty, g.count <= 4, let v = UInt16(g, radix: 16) else { return nil }
                out.append(v)
            }
            return out
        }
        guard let head = groups(halves[0]) else { return nil }
        let tail = halves.count == 2 ? groups(halves[1]) : []
        guard let tail else { return nil }
        let needed = 8 - v4Tail.count / 2
        let total = head.count + tail.count
        if halves.count == 2 {
            guard total < needed else { return nil }
        } else {
            guard total == needed else { return nil }
        }
        let all = head + Array(repeating: 0, count: needed - total) + tail
        var bytes: [UInt8] = all.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xff)] }
        bytes += v4Tail
        return bytes.count == 16 ? bytes : nil
    }
}


