/// Line breaking for plain-text output: everything is laid out for 100 columns, the width of a
/// terminal split in two or a CI log, breaking at spaces and, for long URIs and digests, inside
/// the word.
enum TextLayout {
    static let width = 100

    /// `text` broken into lines of at most `width` characters (at least 20).
    static func wrap(_ text: String, width: Int) -> [String] {
        let width = max(20, width)
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: false) {
            var word = Substring(word)
            if line.isEmpty {
                // nothing to separate
            } else if line.count + 1 + word.count <= width {
                line += " " + word
                continue
            } else {
                lines.append(line)
                line = ""
            }
            while word.count > width {
                lines.append(String(word.prefix(width)))
                word = word.dropFirst(width)
            }
            line = String(word)
        }
        lines.append(line)
        return lines
    }

    /// `text` cut to `width` characters, ending in "…" when cut.
    static func truncate(_ text: String, width: Int) -> String {
        guard text.count > width else { return text }
        return String(text.prefix(max(0, width - 1))) + "…"
    }
}
