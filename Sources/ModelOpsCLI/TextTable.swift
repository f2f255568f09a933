import Foundation

/// Columns as kubectl prints them: an upper-case header, columns two spaces apart, the last one
/// cut with "…" so that a row never passes the width (`-o json` has every value whole).
struct TextTable: Sendable {
    var headers: [String]
    var rows: [[String]]

    func render(width: Int) -> String {
        let count = headers.count
        var widths = headers.map(\.count)
        for row in rows {
            for (index, cell) in row.enumerated() where index < count { widths[index] = max(widths[index], cell.count) }
        }
        func line(_ cells: [String]) -> String {
            var out = ""
            for index in 0..<count {
                let cell = index < cells.count ? cells[index] : ""
                if index == count - 1 {
                    out += TextLayout.truncate(cell, width: max(8, width - out.count))
                } else {
                    out += cell.padding(toLength: widths[index], withPad: " ", startingAt: 0) + "  "
                }
            }
            while out.hasSuffix(" ") { out.removeLast() }
            return out
        }
        return ([line(headers)] + rows.map(line)).joined(separator: "\n")
    }
}
