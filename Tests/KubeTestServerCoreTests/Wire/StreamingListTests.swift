import KubeCore
import KubeTestServerCore
import Testing

/// Streaming lists (`sendInitialEvents=true`, goldens 128–132): an ADDED for every current
/// object, then a BOOKMARK annotated `k8s.io/initial-events-end: "true"` whose object is only
/// kind, apiVersion and metadata (resourceVersion, annotations), then live events; and the 422s
/// for a missing resourceVersionMatch and for sendInitialEvents on a plain list.
@Suite struct StreamingListTests {
    static let namespace = WatchFramingTests.namespace
    static let collection = "/api/v1/namespaces/\(namespace)/configmaps"

    static func configMap(_ name: String, data: JSON? = nil) -> JSON {
        var object: JSON = ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": .string(name)]]
        if let data { object["data"] = data }
        return object
    }

    /// The initial-events-end bookmark has the golden's shape and the store's resourceVersion.
    func expectEndBookmark(_ event: JSON?, like golden: Golden, resourceVersion: Int64,
                           sourceLocation: SourceLocation = #_sourceLocation) {
        let recorded = golden.events.first { $0.eventType == "BOOKMARK" && $0[path: ["object", "metadata", "annotations"]] != nil }
        #expect(event?.eventType == "BOOKMARK", sourceLocation: sourceLocation)
        #expect(event?["object"].map(Shape.keys) == recorded?["object"].map(Shape.keys), sourceLocation: sourceLocation)
        #expect(event?[path: ["object", "metadata"]].map(Shape.keys) == ["resourceVersion", "annotations"], sourceLocation: sourceLocation)
        #expect(event?[path: ["object", "metadata", "annotations"]] == ["k8s.io/initial-events-end": "true"], sourceLocation: sourceLocation)
        #expect(event?[path: ["object", "kind"]] == recorded?[path: ["object", "kind"]]
                && event?[path: ["object", "apiVersion"]] == recorded?[path: ["object", "apiVersion"]], sourceLocation: sourceLocation)
        #expect(event?[path: ["object", "metadata", "resourceVersion"]] == .string(String(resourceVersion)), sourceLocation: sourceLocation)
    }

    @Test func streamingList128() async throws {
        let golden = try Golden(128)
        let server = WireServer()
        defer { server.shutdown() }
        await server.namespace(Self.namespace)
        await server.create(Self.collection, Self.configMap("s1", data: ["k": "s1"]))
        await server.create(Self.collection, Self.configMap("s2", data: ["k": "s2"]))
        let current = server.api.store.resourceVersion
        guard var watch = await server.watch(golden) else { return }
        var events = await watch.read { $0.count == 3 }
        #expect(events.prefix(2).map(\.eventType) == ["ADDED", "ADDED"])
        #expect(events.prefix(2).map(\.objectName) == ["s1", "s2"])
        #expect(events.prefix(2).allSatisfy { $0[path: ["object", "kind"]] == "ConfigMap" })
        expectEndBookmark(events.last, like: golden, resourceVersion: current)
        // Then live events: the ConfigMap created 1 s in.
        await server.create(Self.collection, Self.configMap("late"))
        events = await watch.read { $0.contains { $0.eventType == "ADDED" } }
        watch.stop()
        #expect(events.first { $0.eventType == "ADDED" }?.objectName == "late")
    }

    @Test func streamingListFromZero129() async throws {
        let golden = try Golden(129)
        let server = WireServer()
        defer { server.shutdown() }
        await server.namespace(Self.namespace)
        for name in ["late", "s1", "s2"] { await server.create(Self.collection, Self.configMap(name)) }
        let current = server.api.store.resourceVersion
        guard var watch = await server.watch(golden) else { return }
        // timeoutSeconds=2: nothing else comes before the end (no bookmark is due before 2 s − 2 s).
        let events = await watch.readToEnd()
        #expect(events.map(\.eventType) == ["ADDED", "ADDED", "ADDED", "BOOKMARK"])
        #expect(events.dropLast().map(\.objectName) == ["late", "s1", "s2"])
        expectEndBookmark(events.last, like: golden, resourceVersion: current)
    }

    @Test func streamingListOfCustomResources130() async throws {
        let golden = try Golden(130)
        let server = WireServer()
        defer { server.shutdown() }
        await CustomResourceFixture.install(server)
        for name in ["r1", "r3"] {
            await server.create(CustomResourceFixture.collection, [
                "apiVersion": "golden2.example.com/v1", "kind": "Rollout", "metadata": ["name": .string(name)],
                "spec": ["strategy": ["type": "Canary"]]])
        }
        let current = server.api.store.resourceVersion
        guard var watch = await server.watch(golden) else { return }
        let events = await watch.read { $0.count == 3 }
        watch.stop()
        #expect(events.prefix(2).map(\.objectName) == ["r1", "r3"])
        #expect(events.prefix(2).allSatisfy { $0[path: ["object", "kind"]] == "Rollout" })
        expectEndBookmark(events.last, like: golden, resourceVersion: current)
    }

    @Test(arguments: [131, 132])
    func refusedListOptions(golden number: Int) async throws {
        try await WireServer.expectSameRefusal(number) { await $0.namespace(Self.namespace) }
    }

    /// Without allowWatchBookmarks no bookmark is sent, the initial-events-end one included (the
    /// real server's default streaming of a plain watch, golden 059, shows no bookmark).
    @Test func noBookmarkWithoutAllowWatchBookmarks() async throws {
        let server = WireServer()
        defer { server.shutdown() }
        await server.namespace(Self.namespace)
        await server.create(Self.collection, Self.configMap("s1"))
        guard var watch = await server.watch(
            "\(Self.collection)?watch=1&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&timeoutSeconds=1") else { return }
        let events = await watch.readToEnd()
        #expect(events.map(\.eventType) == ["ADDED"])
    }
}
