import Foundation
import Testing

/// README's "Run the end-to-end suites against a cluster" says what the suites read and run: the
/// variable, the test command and the images. Creating a kind cluster cannot run here; what can
/// drift from the code is checked against it.
@Suite("README: end-to-end suites against a cluster")
struct E2EReadmeTests {
    static func blocks() throws -> [String] {
        try Readme.blocks(from: Readme.endToEnd, to: Readme.benchmarks)
    }

    @Test("the variable is the one E2ECluster reads, and the command's filter selects exactly the E2E suites")
    func commandMatchesTheSuites() throws {
        let block = try #require(try Self.blocks().first, "the section's sh block")
        #expect(block.contains("export \(E2ECluster.kubeconfigVariable)="), "\(block)")
        let command = try #require(block.split(separator: "\n").first { $0.hasPrefix("swift test") })
        #expect(command.contains("--no-parallel"), "the suites share one leader Lease: \(command)")
        let filter = try #require(command.split(separator: " ").last.map(String.init))
        // Swift Testing matches --filter against "<module>.<type>/<function>".
        let directory = Repository.root.appendingPathComponent("Tests/ModelOpsCLITests")
        let files = try #require(FileManager.default.enumerator(atPath: directory.path)?.allObjects as? [String])
        var selected: Set<String> = [], suites: Set<String> = []
        for file in files where file.hasSuffix(".swift") {
            let lines = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8).split(separator: "\n")
            for (attribute, declaration) in zip(lines, lines.dropFirst()) where attribute.hasPrefix("@Suite(") && declaration.hasPrefix("struct ") {
                let type = String(declaration.dropFirst(7).prefix { $0.isLetter || $0.isNumber })
                if "ModelOpsCLITests.\(type)/".contains(filter) { selected.insert(type) }
                if attribute.contains(".e2eCluster)") { suites.insert(type) }
            }
        }
        #expect(suites.count == 4, "\(suites)")
        #expect(selected.subtracting(["E2EReadmeTests"]) == suites, "the filter \(filter) selects \(selected)")
    }

    @Test("the images the section names are those the scenarios run")
    func images() throws {
        let section = try Readme.section(from: Readme.endToEnd, to: Readme.benchmarks)
        #expect(section.contains("`\(E2EManifests.servingImage)`") && section.contains("`\(E2EManifests.trainerImage)`"), "\(section)")
    }
}
