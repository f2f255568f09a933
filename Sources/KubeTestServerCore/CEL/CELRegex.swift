import Foundation

/// A compiled regular expression for `matches`, `find` and `findAll`.
///
/// CEL specifies RE2; we run ICU (NSRegularExpression) after translating the RE2 spellings that
/// differ: `(?P<name>` groups, and `$`, which in RE2 (without `(?m)`) matches only at the very end
/// while ICU also matches before a final newline. ICU accepts some things RE2 rejects
/// (backreferences, lookaround); such patterns work here and fail on a real cluster.
///
/// `NSRegularExpression` is immutable and documented thread-safe, hence `@unchecked Sendable`.
final class CELRegex: @unchecked Sendable {
    let pattern: String
    private let regex: NSRegularExpression

    init(_ pattern: String) throws(CELError) {
        self.pattern = pattern
        do {
            regex = try NSRegularExpression(pattern: CELRegex.translate(pattern), options: [])
        } catch {
            throw CELError("error parsing regexp: invalid regular expression: `\(pattern)`")
        }
    }

    func matches(_ text: String) -> Bool {
        let ns = text as NSString
        return regex.firstMatch(in: text, options: [], range: NSRange(location: 0, length: ns.length)) != nil
    }

    /// The first match, or "" (cel-go's `find` returns an empty string when nothing matches).
    func find(_ text: String) -> String {
        let ns = text as NSString
        guard let m = regex.firstMatch(in: text, options: [], range: NSRange(location: 0, length: ns.length)) else {
            return ""
        }
        return ns.substring(with: m.range)
    }

    /// Up to `limit` matches (all when negative).
    func findAll(_ text: String, limit: Int) -> [String] {
        if limit == 0 { return [] }
        let ns = text as NSString
        var out: [String] = []
        for m in regex.matches(in: text, options: [], range: NSRange(location: 0, length: ns.length)) {
            if limit >= 0 && out.count >= limit { break }
            out.append(ns.substring(with: m.range))
        }
        return out
    }

    /// RE2 → ICU spelling differences that change results.
    static func translate(_ pattern: String) -> String {
        let multiline = pattern.range(of: #"\(\?[a-zA-Z]*m"#, options: .regularExpression) != nil
        var out = ""
        var inClass = false
        var escaped = false
        let chars = Array(pattern)
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if escaped {
                out.append(c)
                escaped = false
            } else if c == "\\" {
                out.append(c)
                escaped = true
            } else if inClass {
                if c == "]" { inClass = false }
                out.append(c)
            } else if c == "[" {
                inClass = true
                out.append(c)
                // A leading ']' (or '^]') is literal inside a class.
                if i + 1 < chars.count, chars[i + 1] == "^" {
                    out.append("^")
                    i += 1
                }
                if i + 1 < chars.count, chars[i + 1] == "]" {
                    out.append("]")
                    i += 1
                }
            } else if c == "(" && i + 2 < chars.count && chars[i + 1] == "?" && chars[i + 2] == "P"
                && i + 3 < chars.count && chars[i + 3] == "<"
            {
                out += "(?<"
                i += 4
                continue
            } else if c == "$" && !multiline {
                out += "\\z"
            } else {
                out.append(c)
            }
            i += 1
        }
        return out
    }
}
