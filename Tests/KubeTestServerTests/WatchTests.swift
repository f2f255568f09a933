import TestSupport
import Foundation
import KubeCore
import Testing

@Suite("Watch")
struct WatchTests {
    /// Reads a watch stream with curl (`-N`, no buffering) until it ends.
    func watchLines(_ cluster: TestCluster, _ query: String, whileRunning: @Sendable () async throws -> Void) async throws -> [JSON] {
        async let stream = cluster.curl("/apis/golden.example.com/v1/namespaces/golden/gizmos?watch=1&" + query, extra: ["-N"])
        try await whileRunning()
        let result = try await stream
        #expect(result.status == 200)
        #expect(result.headers.lowercased().contains("transfer-encoding: chunked") || result.headers.contains("HTTP/2"))
        return result.body.split(separator: "\n").map { String($0).json }
    }

    @Test("from a resourceVersion: ADDED, MODIFIED, DELETED in order, then the stream ends at timeoutSeconds")
    func fromResourceVersion() async throws {
        try await withCluster { cluster in
            let rv = try await cluster.curl("/apis/golden.example.com/v1/namespaces/golden/gizmos").body.json[path: ["metadata", "resourceVersion"]]?.stringValue ?? "" 
            let events = try await watchLines(cluster, "resourceVersion=\(rv)&timeoutSeconds=2") {
                let path = "/apis/golden.example.com/v1/namespaces/golden/gizmos"
                await cluster.direct("POST", path, #"{"apiVersion":"golden.example.com/v1","kind":"Gizmo","metadata":{"name":"delta"},"spec":{"replicas":1}}"#)
                await cluster.direct("PATCH", path + "/delta", #"{"spec":{"replicas":2}}"#, contentType: "application/merge-patch+json")
                await cluster.direct("DELETE", path + "/delta")
            }
            #expect(events.compactMap { $0["type"]?.stringValue } == ["ADDED", "MODIFIED", "DELETED"])
            let rvs = events.compactMap { $0[path: ["object", "metadata", "resourceVersion"]]?.stringValue.flatMap { Int($0) } }
            #expect(rvs == rvs.sorted() && Set(rvs).count == 3)
            #expect(events.last?[path: ["object", "spec", "replicas"]]?.intValue == 2, "DELETED carries the last state")
        }
    }

    @Test("without a resourceVersion: synthetic ADDED for current objects; bookmarks carry only kind and resourceVersion")
    func initialAndBookmarks() async throws {
        try await withCluster { cluster in
            try await cluster.kubectlOK("apply", "-f", "-", stdin: gizmo("alpha"))
            let events = try await watchLines(cluster, "allowWatchBookmarks=true&timeoutSeconds=2") {}
            #expect(events.first?["type"]?.stringValue == "ADDED")
            #expect(events.first?[path: ["object", "metadata", "name"]]?.stringValue == "alpha")
        }
        let cluster = try await TestCluster.start { $0.bookmarkInterval = .milliseconds(200) }
        try await cluster.kubectlOK("apply", "-f", "-", stdin: goldenNamespace)
        try await cluster.kubectlOK("apply", "-f", "-", stdin: gizmoCRD)
        // Bookmarks stop 2 s before the watch times out (the watch cache's nextBookmarkTime), so
        // a 3 s watch gets them for its first second only.
        let result = try await cluster.curl("/apis/golden.example.com/v1/namespaces/golden/gizmos?watch=1&allowWatchBookmarks=true&timeoutSeconds=3&resourceVersion=1", extra: ["-N"])
        await cluster.stop()
        let bookmark = result.body.split(separator: "\n").map { String($0).json }.first { $0["type"]?.stringValue == "BOOKMARK" }
        #expect(bookmark?[path: ["object", "kind"]]?.stringValue == "Gizmo")
        #expect(bookmark?[path: ["object", "apiVersion"]]?.stringValue == "golden.example.com/v1")
        #expect(bookmark?[path: ["object", "metadata", "resourceVersion"]] != nil)
        #expect(bookmark?[path: ["object", "spec"]] == nil)
    }

    @Test("a label-selector watch sees an object that starts matching as ADDED and stops matching as DELETED")
    func selectorTransitions() async throws {
        try await withCluster { cluster in
            try await cluster.kubectlOK("apply", "-f", "-", stdin: gizmo("beta"))
            let rv = try await cluster.curl("/apis/golden.example.com/v1/namespaces/golden/gizmos").body.json[path: ["metadata", "resourceVersion"]]?.stringValue ?? "" 
            let events = try await watchLines(cluster, "labelSelector=team%3Dml&resourceVersion=\(rv)&timeoutSeconds=2") {
                let path = "/apis/golden.example.com/v1/namespaces/golden/gizmos/beta"
                await cluster.direct("PATCH", path, #"{"metadata":{"labels":{"team":"ml"}}}"#, contentType: "application/merge-patch+json")
                await cluster.direct("PATCH", path, #"{"metadata":{"labels":{"team":"ops"}}}"#, contentType: "application/merge-patch+json")
            }
            #expect(events.compactMap { $0["type"]?.stringValue } == ["ADDED", "DELETED"])
        }
    }

    @Test("after a server restart an old resourceVersion gets an ERROR event with 410 Expired")
    func tooOld() async throws {
        try await withCluster { cluster in
            try await cluster.kubectlOK("apply", "-f", "-", stdin: gizmo("alpha"))
            cluster.server.restart()
            let result = try await cluster.curl("/apis/golden.example.com/v1/namespaces/golden/gizmos?watch=1&resourceVersion=2&timeoutSeconds=2", extra: ["-N"])
            let events = result.body.split(separator: "\n").map { String($0).json }
            #expect(events.count == 1)
            #expect(events.first?["type"]?.stringValue == "ERROR")
            #expect(events.first?[path: ["object", "code"]]?.intValue == 410)
            #expect(events.first?[path: ["object", "reason"]]?.stringValue == "Expired")
            #expect(events.first?[path: ["object", "message"]]?.stringValue?.hasPrefix("too old resource version: 2 (") == true)
        }
    }

    @Test("kubectl get -w prints the change as it happens")
    func kubectlWatch() async throws {
        try await withCluster { cluster in
            try await cluster.kubectlOK("apply", "-f", "-", stdin: gizmo("alpha"))
            let before = cluster.api.store.openWatchCount
            async let watch = cluster.kubectl("get", "gz", "-n", "golden", "-w", "--request-timeout=3s")
            try await eventually("kubectl's watch open") { cluster.api.store.openWatchCount > before }
            await cluster.direct("PATCH", "/apis/golden.example.com/v1/namespaces/golden/gizmos/alpha", #"{"spec":{"replicas":7}}"#,
                                 contentType: "application/merge-patch+json")
            let out = try await watch.stdout
            #expect(out.contains("REPLICAS"))
            #expect(out.split(separator: "\n").contains { $0.contains("alpha") && $0.contains(" 7 ") })
        }
    }

    @Test("dropping all watches ends open streams; the fault hook counts requests by verb")
    func dropAndCount() async throws {
        try await withCluster { cluster in
            let before = cluster.api.store.openWatchCount  // the simulator's own watches
            async let stream = cluster.curl("/apis/golden.example.com/v1/namespaces/golden/gizmos?watch=1&timeoutSeconds=30", extra: ["-N"])
            try await eventually("watch open") { cluster.api.store.openWatchCount > before }
            let started = ContinuousClock.now
            cluster.api.store.dropAllWatches()
            #expect(try await stream.status == 200)
            #expect(ContinuousClock.now - started < .seconds(10))
            #expect((cluster.api.counter.snapshot["watch gizmos"] ?? 0) >= 1)
        }
    }
}
