/// Kubernetes' escaping of OpenAPI property names into CEL identifiers
/// (k8s.io/apiserver/pkg/cel: `__` → `__underscores__`, `.` → `__dot__`, `-` → `__dash__`,
/// `/` → `__slash__`, and a CEL reserved word `w` → `__w__`).
enum CELEscaping {
    static let reservedWords: Set<String> = [
        "true", "false", "null", "in", "as", "break", "const", "continue", "else", "for", "function", "if",
        "import", "let", "loop", "package", "namespace", "return", "var", "void", "while",
    ]

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
