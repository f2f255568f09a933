import KubeCore
import KubeTestServerCore
import Testing

/// Server-side apply of built-in kinds by several managers (goldens 151–159), replayed in the
/// recorded order against one server: shared ownership of equal values, one conflict cause per
/// field and manager, force moving ownership, conflicts naming an Update manager and its
/// apiVersion, keyed merge of containers and env, and managedFields as the real server writes them.
@Suite struct ServerSideApplyTests {
    static let namespace = "golden2-ssa"

    /// The managedFields the real server wrote, without times (volatile) but keeping whether an
    /// entry has one (152: an apply that changed nothing gives its manager an entry without time).
    static func ownership(_ object: JSON) -> [JSON] {
        (object[path: ["metadata", "managedFields"]]?.arrayValue ?? []).map { entry in
            var entry = entry
            if entry["time"] != nil { entry["time"] = "<time>" }
            return entry
        }
    }

    /// Replays `number` and compares the answer with the recording: the Status of a refusal,
    /// or the object's content and managedFields.
    static func replay(_ number: Int, on server: WireServer, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let golden = try Golden(number)
        let answer = await server.replay(golden)
        #expect(answer.status == golden.status, "golden \(number): \(answer.body)", sourceLocation: sourceLocation)
        if golden.body["kind"] == "Status" {
            Shape.expectSameStatus(answer.body, golden, sourceLocation: sourceLocation)
            return
        }
        var actual = answer.body, expected = golden.body
        #expect(ownership(actual) == ownership(expected), "managedFields (golden \(number))", sourceLocation: sourceLocation)
        for volatile in ["uid", "resourceVersion", "creationTimestamp", "managedFields"] {
            actual[path: ["metadata", volatile]] = nil
            expected[path: ["metadata", volatile]] = nil
        }
        #expect(actual == expected, "object (golden \(number))", sourceLocation: sourceLocation)
    }

    @Test func configMapByThreeManagers151to155() async throws {
        let server = WireServer()
        defer { server.shutdown() }
        await server.namespace(Self.namespace)
        for number in 151...154 { try await Self.replay(number, on: server) }
        // Between 154 and 155 the recording set data.c with a plain update as "golden2-editor".
        let edit = await server.request("PATCH", "/api/v1/namespaces/\(Self.namespace)/configmaps/applied?fieldManager=golden2-editor",
                                        ["data": ["c": "theirs"]], contentType: "application/merge-patch+json")
        #expect(edit.status == 200)
        try await Self.replay(155, on: server)
    }

    @Test func deploymentByTwoManagers156to159() async throws {
        let server = WireServer()
        defer { server.shutdown() }
        await server.namespace(Self.namespace)
        for number in 156...159 { try await Self.replay(number, on: server) }
    }
}
