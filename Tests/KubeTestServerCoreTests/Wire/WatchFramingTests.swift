import KubeCore
import KubeTestServerCore
import Testing

/// Watches as kube-apiserver frames them (goldens 126, 127): one `{"type","object"}` per line,
/// objects of built-in kinds with kind and apiVersion, BOOKMARKs whose object is only kind,
/// apiVersion and metadata.resourceVersion, and a bookmark before the watch times out.
@Suite struct WatchFramingTests {
    static let namespace = "golden2-watch"

    /// The golden's watch request, from `resourceVersion` (the recorded one belongs to the recording).
    func open(_ server: WireServer, _ golden: Golden, from resourceVersion: String) async -> WatchLines? {
        var params = golden.params
        params["resourceVersion"] = resourceVersion
        let query = params.map { "\($0.key)=\($0.value)" }.joined(separator: "&")
        return await server.watch("\(golden.path)?\(query)")
    }

    func listResourceVersion(_ server: WireServer, _ path: String) async -> String {
        await server.request("GET", path).body[path: ["metadata", "resourceVersion"]]?.stringValue ?? ""
    }

    /// The same sequence of non-bookmark events, each object with the golden's members; every
    /// bookmark shaped like the golden's.
    func expectSameFraming(_ events: [JSON], _ golden: Golden, sourceLocation: SourceLocation = #_sourceLocation) {
        let changes = events.filter { $0.eventType != "BOOKMARK" }
        let recorded = golden.events.filter { $0.eventType != "BOOKMARK" }
        #expect(changes.map(\.eventType) == recorded.map(\.eventType), sourceLocation: sourceLocation)
        for (event, expected) in zip(changes, recorded) {
            #expect(Shape.keys(event) == ["type", "object"], sourceLocation: sourceLocation)
            #expect(Shape.keys(event["object"]) == Shape.keys(expected["object"]), sourceLocation: sourceLocation)
            #expect(event[path: ["object", "kind"]] == expected[path: ["object", "kind"]]
                    && event[path: ["object", "apiVersion"]] == expected[path: ["object", "apiVersion"]],
                    sourceLocation: sourceLocation)
        }
        let bookmarks = events.filter { $0.eventType == "BOOKMARK" }
        let recordedBookmark = golden.events.first { $0.eventType == "BOOKMARK" }
        #expect(!bookmarks.isEmpty, "a bookmark before the timeout", sourceLocation: sourceLocation)
        for bookmark in bookmarks {
            #expect(bookmark["object"].map(Shape.keys) == recordedBookmark?["object"].map(Shape.keys), sourceLocation: sourceLocation)
            #expect(Shape.keys(bookmark[path: ["object", "metadata"]]) == ["resourceVersion"], sourceLocation: sourceLocation)
            #expect(bookmark[path: ["object", "kind"]] == recordedBookmark?[path: ["object", "kind"]], sourceLocation: sourceLocation)
        }
    }

    @Test func configMapWatch126() async throws {
        let golden = try Golden(126)
        let server = WireServer()
        defer { server.shutdown() }
        await server.namespace(Self.namespace)
        let collection = "/api/v1/namespaces/\(Self.namespace)/configmaps"
        guard var watch = await open(server, golden, from: await listResourceVersion(server, collection)) else { return }
        await server.create(collection, ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "watched"], "data": ["v": "1"]])
        await server.request("PATCH", "\(collection)/watched", ["data": ["v": "2"]], contentType: "application/merge-patch+json")
        await server.request("DELETE", "\(collection)/watched")
        // timeoutSeconds=3: the server sends a bookmark 2 s before it ends the watch.
        let events = await watch.readToEnd()
        expectSameFraming(events, golden)
        #expect(events.last?.eventType == "BOOKMARK")
    }

    @Test func deploymentWatch127() async throws {
        let golden = try Golden(127)
        let server = WireServer()
        defer { server.shutdown() }
        await server.namespace(Self.namespace)
        let collection = "/apis/apps/v1/namespaces/\(Self.namespace)/deployments"
        guard var watch = await open(server, golden, from: await listResourceVersion(server, collection)) else { return }
        await server.create(collection, [
            "apiVersion": "apps/v1", "kind": "Deployment", "metadata": ["name": "watched"],
            "spec": ["replicas": 1, "selector": ["matchLabels": ["app": "watched"]],
                     "template": ["metadata": ["labels": ["app": "watched"]],
                                  "spec": ["containers": [["name": "main", "image": "registry.example/app:1"]]]]]])
        await server.request("PATCH", "\(collection)/watched",
                             ["spec": ["template": ["spec": ["containers": [["name": "main", "image": "registry.example/app:2"]]]]]],
                             contentType: "application/strategic-merge-patch+json")
        await server.request("DELETE", "\(collection)/watched")
        // timeoutSeconds=5: a bookmark 2 s before the end.
        let events = await watch.readToEnd()
        // The recording's deployment controller wrote status in between (more MODIFIEDs); without
        // it: ADDED, MODIFIED, DELETED, each a full object with kind and apiVersion.
        let changes = events.filter { $0.eventType != "BOOKMARK" }
        #expect(changes.map(\.eventType) == ["ADDED", "MODIFIED", "DELETED"])
        let recorded = golden.events.first { $0.eventType == "ADDED" }?["object"]
        for event in changes {
            #expect(Shape.keys(event["object"]) == Shape.keys(recorded))
            #expect(event[path: ["object", "kind"]] == "Deployment" && event[path: ["object", "apiVersion"]] == "apps/v1")
        }
        // A Deployment's bookmark is its typed zero value: spec and status as Go writes them empty.
        func withoutResourceVersion(_ event: JSON?) -> JSON? {
            var object = event?["object"]
            object?[path: ["metadata", "resourceVersion"]] = nil
            return object
        }
        let bookmarks = events.filter { $0.eventType == "BOOKMARK" }
        #expect(!bookmarks.isEmpty)
        let recordedBookmark = withoutResourceVersion(golden.events.first { $0.eventType == "BOOKMARK" })
        #expect(bookmarks.allSatisfy { withoutResourceVersion($0) == recordedBookmark })
    }
}
