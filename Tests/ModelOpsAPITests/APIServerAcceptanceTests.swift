import Foundation
import KubeCore
import KubeTestServer
import ModelOpsCRDs
import Testing
import TestSupport

/// The CRDs as the API server enforces them: the examples are accepted and print their columns,
/// and every bad manifest is refused with a 422 naming the offending field.
@Suite("ModelOps API on the API test server")
struct APIServerAcceptanceTests {
    static func cluster() async throws -> TestCluster {
        let cluster = try await TestCluster.start()
        try await cluster.server.apply(yaml: CRDManifests.combinedYAML)
        try await cluster.kubectlOK("apply", "-f", "-", stdin: "apiVersion: v1\nkind: Namespace\nmetadata: {name: ml-serving}\n")
        return cluster
    }

    static var examplesDirectory: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("manifests/examples").path
    }

    @Test("every example is accepted by kubectl apply, and kubectl get shows the printer columns from status")
    func examples() async throws {
        let cluster = try await Self.cluster()
        do {
            let out = try await cluster.kubectlOK("apply", "-f", Self.examplesDirectory)
            #expect(out.contains("modeldeployment.modelops.io/fraud-detector created"))
            #expect(out.contains("trainingjob.modelops.io/fraud-detector-v8 created"))
            #expect(out.contains("retrainpolicy.modelops.io/fraud-detector-nightly created"))
            try await cluster.kubectlOK("patch", "mdep", "fraud-detector", "-n", "ml-serving", "--subresource=status", "--type=merge", "-p", """
                {"status":{"phase":"Progressing","stable":{"version":"v7","uri":"s3://models/fraud-detector/v7"},
                 "canary":{"version":"v8","uri":"s3://models/fraud-detector/v8","weight":10,"step":1},
                 "conditions":[{"type":"Ready","status":"True","reason":"StableServing","message":"v7 serving","lastTransitionTime":"2026-01-01T00:00:00Z"}]}}
                """)
            let rows = try await cluster.kubectlOK("get", "mdep", "fraud-detector", "-n", "ml-serving")
                .split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init) }
            #expect(rows.first == ["NAME", "STABLE", "CANARY", "WEIGHT", "PHASE", "READY", "AGE"])
            #expect(Array(rows.dropFirst().first?.prefix(6) ?? []) == ["fraud-detector", "v7", "v8", "10", "Progressing", "True"])
            let all = try await cluster.kubectlOK("get", "modelops", "-n", "ml-serving", "-o", "name")
            #expect(all.contains("modeldeployment.modelops.io/") && all.contains("trainingjob.modelops.io/") && all.contains("retrainpolicy.modelops.io/"))
            let short = try await cluster.kubectlOK("get", "tj,rtp", "-n", "ml-serving", "-o", "name")
            #expect(short.split(separator: "\n").count >= 2)
        } catch {
            await cluster.stop()
            throw error
        }
        await cluster.stop()
    }

    @Test("every bad manifest is refused with 422 and a cause naming the offending field")
    func badManifests() async throws {
        let cluster = try await Self.cluster()
        for (index, bad) in BadManifests.all.enumerated() {
            var object = try JSON.parseYAML(bad.yaml)
            let name = "bad-\(index)"
            object[path: ["metadata", "name"]] = .string(name)
            let kind = object["kind"]?.stringValue ?? ""
            let plural = kind == "ModelDeployment" ? "modeldeployments" : kind == "TrainingJob" ? "trainingjobs" : "retrainpolicies"
            let namespace = object[path: ["metadata", "namespace"]]?.stringValue ?? "default"
            let collection = "/apis/modelops.io/v1alpha1/namespaces/\(namespace)/\(plural)"
            let status: JSON
            if let previous = bad.previous {
                var old = try JSON.parseYAML(previous)
                old[path: ["metadata", "name"]] = .string(name)
                let stored = await cluster.direct("POST", collection, old.serializedString())
                #expect(stored["kind"]?.stringValue == kind, "\(bad.name): previous object refused: \(stored)")
                object[path: ["metadata", "resourceVersion"]] = stored[path: ["metadata", "resourceVersion"]]
                status = await cluster.direct("PUT", "\(collection)/\(name)", object.serializedString())
            } else {
                status = await cluster.direct("POST", collection, object.serializedString())
            }
            #expect(status["code"]?.intValue == 422, "\(bad.name): expected 422, got \(status)")
            let causes = status[path: ["details", "causes"]]?.arrayValue ?? []
            let match = causes.first { $0["field"]?.stringValue == bad.field }
            #expect(match != nil, "\(bad.name): no cause names \(bad.field): \(causes)")
            #expect(match?["reason"]?.stringValue == bad.reason, "\(bad.name): \(String(describing: match))")
            #expect(match?["message"]?.stringValue?.contains(bad.message) == true, "\(bad.name): \(String(describing: match))")
        }
        // And as a user sees one through kubectl:
        let shown = try await cluster.kubectl("apply", "-f", "-", stdin: BadManifests.all[0].yaml)
        #expect(shown.status != 0 && shown.stderr.contains("is invalid") && shown.stderr.contains(BadManifests.all[0].field))
        await cluster.stop()
    }
}
