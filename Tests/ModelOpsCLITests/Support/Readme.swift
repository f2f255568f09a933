import Foundation
import Testing

/// The `sh` code blocks of README.md, as a user copies them.
enum Readme {
    /// The `sh` blocks between the heading `from` and the heading `to` (both whole lines, e.g.
    /// "## Quick start (no cluster needed)"); a block indented inside a list item is unindented.
    static func blocks(from: String, to: String) throws -> [String] {
        let readme = try Repository.read("README.md")
        let start = try #require(readme.range(of: "\n\(from)\n"), "README heading \(from)")
        let end = try #require(readme.range(of: "\n\(to)\n", range: start.upperBound..<readme.endIndex), "README heading \(to)")
        var blocks: [String] = []
        var current: [String]?
        var indent = 0
        for line in readme[start.upperBound..<end.lowerBound].split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if current == nil, trimmed == "```sh" {
                current = []
                indent = line.prefix { $0 == " " }.count
                continue
            }
            if current != nil, trimmed == "```" { blocks.append(current!.joined(separator: "\n")); current = nil; continue }
            if current != nil { current!.append(String(line.dropFirst(min(indent, line.prefix { $0 == " " }.count)))) }
        }
        return blocks
    }

    /// The text between the heading `from` and the heading `to`.
    static func section(from: String, to: String) throws -> String {
        let readme = try Repository.read("README.md")
        let start = try #require(readme.range(of: "\n\(from)\n"), "README heading \(from)")
        let end = try #require(readme.range(of: "\n\(to)\n", range: start.upperBound..<readme.endIndex), "README heading \(to)")
        return String(readme[start.upperBound..<end.lowerBound])
    }

    static let quickStart = "## Quick start (no cluster needed)"
    static let install = "## Install on a cluster"
    static let commandLine = "## Command line and kubectl plugin"
    static let troubleshooting = "## Troubleshooting"
    static let layout = "## Layout"
    static let endToEnd = "## Run the end-to-end suites against a cluster"
    static let benchmarks = "## Benchmarks"
}
