/// A tree drawn with box characters, as `status` and `lineage` print it:
///
///     modeldeployment/churn  Paused
///     ├── stable v1  weight 75%
///     │   └── deployment/churn-v1  3/3 ready
///     └── canary v2  weight 25%
///
/// Text longer than the width wraps under its own node, so the tree stays readable in 100 columns.
struct TextTree: Sendable {
    var text: String
    var children: [TextTree]

    init(_ text: String, _ children: [TextTree] = []) {
        self.text = text
        self.children = children
    }

    func render(width: Int) -> String {
        var lines: [String] = []
        let wrapped = TextLayout.wrap(text, width: width - (children.isEmpty ? 0 : 2))
        lines.append(wrapped[0])
        for more in wrapped.dropFirst() { lines.append((children.isEmpty ? "" : "│ ") + more) }
        for (index, child) in children.enumerated() {
            child.render(into: &lines, prefix: "", last: index == children.count - 1, width: width)
        }
        return lines.joined(separator: "\n")
    }

    private func render(into lines: inout [String], prefix: String, last: Bool, width: Int) {
        let branch = prefix + (last ? "└── " : "├── ")
        let below = prefix + (last ? "    " : "│   ")
        let wrapped = TextLayout.wrap(text, width: width - branch.count - (children.isEmpty ? 0 : 2))
        lines.append(branch + wrapped[0])
        for more in wrapped.dropFirst() { lines.append(below + (children.isEmpty ? "" : "│ ") + more) }
        for (index, child) in children.enumerated() {
            child.render(into: &lines, prefix: below, last: index == children.count - 1, width: width)
        }
    }
}
