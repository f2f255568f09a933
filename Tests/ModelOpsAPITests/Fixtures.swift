import Foundation
import KubeCore
import ModelOpsCRDs

/// Where the repository's own files are, found from this source file so that tests run from
/// any working directory (and never need anything outside the repository).
enum Repository {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // ModelOpsAPITests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()

    static func text(_ relativePath: String) throws -> String {
        try String(contentsOf: root.appending(path: relativePath), encoding: .utf8)
    }

    static func files(in directory: String, suffix: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: root.appending(path: directory).path)
            .filter { $0.hasSuffix(suffix) }
            .sorted()
    }
}

/// The CRDs as the program sees them (embedded by the EmbedCRDs plugin), parsed.
enum CRDs {
    struct Entry: Sendable {
        var file: String
        var crd: JSON
        var kind: String { crd[path: ["spec", "names", "kind"]]?.stringValue ?? "" }
        var version: JSON { crd[path: ["spec", "versions"]]?[0] ?? .null }
        var schema: JSON { version[path: ["schema", "openAPIV3Schema"]] ?? .null }
    }

    static let all: [Entry] = CRDManifests.all.map { entry in
        // A CRD file that does not parse fails the CRD tests with its own message; here it
        // becomes null so the other tests still report something useful.
        Entry(file: entry.name, crd: (try? JSON.parseYAML(entry.yaml)) ?? .null)
    }

    static func entry(kind: String) -> Entry? {
        all.first { $0.kind == kind }
    }

    static func schema(kind: String) -> JSON {
        entry(kind: kind)?.schema ?? .null
    }
}
