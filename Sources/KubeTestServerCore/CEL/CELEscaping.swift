/// Kubernetes' escaping of OpenAPI property names into CEL identifiers
/// (k8s.io/apiserver/pkg/cel: `__` → `__underscores__`, `.` → `__dot__`, `-` → `__dash__`,
/// `/` → `__slash__`, and a CEL reserved word `w` → `__w__`).
enum CELEscaping {
    static let reservedWords: Set<String> = [
        "true", "false", "null", "in", "as", "break", "const", "continue", "else", "for", "function", "if",
        "import", "let", "loop", "package", "namespace", "return", "var", "void", "while",
    ]

    /// The CEL identifier for a property name (`Escape`), or nil when the name cannot be one
    /// (it starts with a digit or holds a character outside `[a-zA-Z0-9_.\-/]`): such properties
    /// are invisible to rules.
    static func escape(_ name: String) -> String? {
        guard let first = name.unicodeScalars.first, !("0"..."9").contains(first) else { return nil }
        if reservedWords.contains(name) { return "__\(name)__" }
        let scalars = Array(name.unicodeScalars)
        var out = ""
        var i = 0
        while i < scalars.count {
            let c = scalars[i]
            switch c {
            case "_" where i + 1 < scalars.count && scalars[i + 1] == "_":
                out += "__underscores__"
                i += 2
                continue
            case ".": out += "__dot__"
            case "-": out += "__dash__"
            case "/": out += "__slash__"
            case "_", "a"..."z", "A"..."Z", "0"..."9": out.unicodeScalars.append(c)
            default: return nil
            }
            i += 1
        }
        return out
    }

    /// The property name an escaped identifier stands for; nil when nothing was escaped.
    static func unescape(_ name: String) -> String? {
        if name.hasPrefix("__") && name.hasSuffix("__") && name.count > 4 {
            let inner = String(name.dropFirst(2).dropLast(2))
            if reservedWords.contains(inner) { return inner }
        }
        var out = ""
        var rest = Substring(name)
        var changed = false
        let replacements: [(String, String)] = [
            ("__underscores__", "__"), ("__dot__", "."), ("__dash__", "-"), ("__slash__", "/"),
        ]
        outer: while !rest.isEmpty {
            for (escaped, plain) in replacements where rest.hasPrefix(escaped) {
                out += plain
                rest = rest.dropFirst(escaped.count)
                changed = true
                continue outer
            }
            out.append(rest.removeFirst())
        }
        return changed ? out : nil
    }
}
