import Foundation
import KubeCore
import KubeTestServerCore
import Testing

/// /version, legacy discovery and the OpenAPI root as the real v1.36 server answers them
/// (golden 001, 004, 005, 007, 008, 010, 015).
@Suite struct DiscoveryGoldenTests {
    private func recorded(_ number: Int) -> JSON {
        if case let .json(body) = GoldenExchange.numbered(number).answer { return body }
        return .null
    }

    @Test("001: /version answers as v1.36 with the compatibility-version fields")
    func version() async {
        let session = ReplaySession()
        defer { session.api.shutdown() }
        let (status, body) = await session.send("GET", "/version")
        #expect(status == 200)
        #expect(Set(body.objectValue?.keys ?? [:].keys) == Set(recorded(1).objectValue?.keys ?? [:].keys))
        #expect(body["gitVersion"]?.stringValue?.hasPrefix("v1.36.") == true)
        for key in ["major", "minor", "emulationMajor", "emulationMinor", "minCompatibilityMajor", "minCompatibilityMinor"] {
            #expect(body[key] == recorded(1)[key], "\(key)")
        }
    }

    @Test("004, 005: the core group's APIResourceList has no apiVersion, a named group's has v1")
    func resourceListAPIVersion() async {
        let session = ReplaySession()
        defer { session.api.shutdown() }
        let core = await session.send("GET", "/api/v1").1
        let apps = await session.send("GET", "/apis/apps/v1").1
        #expect(recorded(4)["apiVersion"] == nil && core["apiVersion"] == nil)
        #expect(recorded(5)["apiVersion"] == "v1" && apps["apiVersion"] == "v1")
        #expect(core["kind"] == "APIResourceList" && core["groupVersion"] == "v1")
    }

    @Test("004, 005, 007, 008, 015: storageVersionHash is the real server's, for built-in kinds and a CRD's")
    func storageVersionHashes() async throws {
        let session = await ReplaySession.after([11, 12])
        defer { session.api.shutdown() }
        var compared = 0
        for number in [4, 5, 7, 8, 15] {
            let path = GoldenExchange.numbered(number).path
            let ours = await session.send("GET", path).1["resources"]?.arrayValue ?? []
            for resource in recorded(number)["resources"]?.arrayValue ?? [] {
                guard let hash = resource["storageVersionHash"],
                      let mine = ours.first(where: { $0["name"] == resource["name"] }) else { continue }
                #expect(mine["storageVersionHash"] == hash, "\(path) \(resource["name"] ?? .null)")
                compared += 1
            }
            // Subresources carry none, on both servers.
            #expect(ours.filter { $0["name"]?.stringValue?.contains("/") == true }.allSatisfy { $0["storageVersionHash"] == nil })
        }
        // events.k8s.io Events hash as core v1 Events (their storage version), gizmos as golden.example.com/v1.
        #expect(compared >= 8)
    }

    @Test("010: the OpenAPI v3 root is JSON served as text/plain")
    func openAPIRootContentType() async {
        let session = ReplaySession()
        defer { session.api.shutdown() }
        let response = await session.api.handle(APIRequest(method: "GET", path: "/openapi/v3", user: ReplaySession.admin))
        guard case let .full(status, headers, body) = response else {
            Issue.record("not a full response")
            return
        }
        #expect(status == 200)
        #expect(headers.first { $0.0.lowercased() == "content-type" }?.1 == GoldenExchange.numbered(10).responseHeaders["content-type"])
        #expect((try? JSON.parse(body))?["paths"]?["api/v1"] != nil)
    }
}
