import Foundation
import Testing

/// Where things are: the checkout (for manifests/, Dockerfile, README.md) and the built binary.
enum Repository {
    /// The repository root, from this file's path (Tests/ModelOpsCLITests/Support/…).
    static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

    static func read(_ relative: String) throws -> String {
        try String(contentsOfFile: path(relative), encoding: .utf8)
    }

    /// The `modelops` executable SwiftPM built next to the test bundle.
    static var binary: String? { executable("modelops") }

    /// The playground, `modelops-playground`, built next to `modelops`.
    static var playground: String? { executable("modelops-playground") }

    /// The kubectl plugin `kubectl-modelops`, built next to `modelops`.
    static var plugin: String? { executable("kubectl-modelops") }

    /// An executable product SwiftPM built next to the test bundle (`modelops`, `modelops-bench`).
    static func executable(_ name: String) -> String? {
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<5 {
            let candidate = dir.appendingPathComponent(name).path
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate, isDirectory: &isDirectory), !isDirectory.boolValue,
               FileManager.default.isExecutableFile(atPath: candidate) {
                return candidate
            }
            dir = dir.deletingLastPathComponent()
        }
        return nil
    }

    /// A fresh temporary directory.
    static func temporaryDirectory() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("modelops-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }
}

extension Repository {
    /// The version in Sources/modelops/Version.swift (what a local build reports).
    static func sourceVersion() throws -> String {
        let text = try read("Sources/modelops/Version.swift")
        let line = try #require(text.split(separator: "\n").first { $0.contains("static let current = ") })
        return String(line.split(separator: "\"")[1])
    }
}
