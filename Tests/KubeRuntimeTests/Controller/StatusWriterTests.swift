import Foundation
import KubeClient
import KubeCore
import KubeRuntime
import KubeTestServer
import Testing
import TestSupport

/// The one status writer of the three controllers, against the API test server's status
/// subresource of Deployments.
@Suite("StatusWriter")
struct StatusWriterTests {
    typealias Deployment = TreeDeployment

    static let spec: JSON = [
        "replicas": 1,
        "selector": ["matchLabels": ["app": "w"]],
        "template": ["metadata": ["labels": ["app": "w"]], "spec": ["containers": [["name": "c", "image": "busybox"]]]],
    ]

    func withDeployment(_ body: (ResourceClient<Deployment>, Deployment) async throws -> Void) async throws {
        let server = try await RuntimeTestServer.start()
        let resource = try server.client().resource(Deployment.self, namespace: "default")
        let created = try await resource.create(Deployment(metadata: ObjectMeta(name: "w", namespace: "default"), spec: Self.spec))
        try await body(resource, created)
    }

    @Test("writes a changed status; the version it wrote from is stale until the cache moves on")
    func writesAndMarksStale() async throws {
        try await withDeployment { resource, created in
            let writer = StatusWriter<Deployment>()
            #expect(!writer.isStale(created))
            let outcome = try await writer.write(["observedGeneration": 1], of: created, at: \.status, to: resource)
            #expect(outcome == .written)
            #expect(writer.isStale(created), "the cache's copy is the one the write started from")
            let stored = try await resource.get("w")
            #expect(stored.status?["observedGeneration"]?.intValue == 1)
            #expect(!writer.isStale(stored), "the version after the write is current")
        }
    }

    @Test("an unchanged status sends nothing; a missing status may count as empty")
    func unchangedSendsNothing() async throws {
        try await withDeployment { resource, created in
            let writer = StatusWriter<Deployment>()
            let first = try await writer.write(["observedGeneration": 1], of: created, at: \.status, to: resource)
            #expect(first == .written)
            let stored = try await resource.get("w")
            #expect(try await writer.write(["observedGeneration": 1], of: stored, at: \.status, to: resource) == .unchanged)
            #expect(try await resource.get("w").metadata.resourceVersion == stored.metadata.resourceVersion)

            var bare = stored
            bare.status = nil
            #expect(try await writer.write([:], of: bare, at: \.status, absent: [:], to: resource) == .unchanged)
        }
    }

    @Test("a write from an outdated copy is a conflict, not an error, and leaves nothing stale")
    func conflict() async throws {
        try await withDeployment { resource, created in
            let writer = StatusWriter<Deployment>()
            _ = try await writer.write(["observedGeneration": 1], of: created, at: \.status, to: resource)
            // `created` is now outdated: writing from it again is what a lagging cache would do.
            let outcome = try await writer.write(["observedGeneration": 2], of: created, at: \.status, to: resource)
            #expect(outcome == .conflict)
            #expect(!writer.isStale(created))
            #expect(try await resource.get("w").status?["observedGeneration"]?.intValue == 1)
        }
    }
}
