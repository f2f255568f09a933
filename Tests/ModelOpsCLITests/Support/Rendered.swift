import Foundation
import KubeCore
import Testing
import TestSupport

/// `kubectl kustomize manifests/`, parsed: what `kubectl apply -k manifests/` would send.
struct Rendered {
    let objects: [JSON]

    static func manifests() async throws -> Rendered {
        let result = try await Command.run(TestCluster.kubectlPath, ["kustomize", Repository.path("manifests")])
        #expect(result.status == 0 && result.stderr.isEmpty, "\(result)")
        return Rendered(objects: try JSON.parseYAMLDocuments(result.stdout))
    }

    func all(_ kind: String) -> [JSON] { objects.filter { $0["kind"]?.stringValue == kind } }

    func one(_ kind: String, _ name: String) throws -> JSON {
        try #require(objects.first { $0["kind"]?.stringValue == kind && $0[path: ["metadata", "name"]]?.stringValue == name },
                     "\(kind) \(name) in the rendered manifests")
    }
}
