/// Formats compile errors the way cel-go does, so CRD authors see the familiar shape:
///
///     ERROR: <input>:1:6: Syntax error: mismatched input '<EOF>' expecting ...
///      | self.
///      | .....^
enum CELSyntax {
    static func error(_ message: String, source: String, offset: Int) -> CELError {
        CELError(format(message, source: source, offset: offset))
    }

    /// One error as cel-go displays it: position (1-based line and column, columns counting
    /// code points), message, the source line and a caret under the column.
    static func format(_ message: String, source: String, offset: Int) -> String {
        let scalars = Array(source.unicodeScalars)
        let clamped = max(0, min(offset, scalars.count))
        var line = 1
        var lineStart = 0
        for i in 0..<clamped where scalars[i] == "\n" {
            line += 1
            lineStart = i + 1
        }
        var lineEnd = lineStart
        while lineEnd < scalars.count && scalars[lineEnd] != "\n" { lineEnd += 1 }
        var lineText = String.UnicodeScalarView()
        lineText.append(contentsOf: scalars[lineStart..<lineEnd])
        let column = clamped - lineStart
        let snippet = "\n | \(String(lineText))\n | \(String(repeating: ".", count: column))^"
        return "ERROR: <input>:\(line):\(column + 1): \(message)\(snippet)"
    }
}
