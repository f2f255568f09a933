import KubeCore
import KubeTestServerCore
import Testing

/// The real server sends a watch that allows bookmarks one BOOKMARK two seconds before its
/// deadline, none when the watch is shorter than that (golden 057: timeoutSeconds 4 ends with a
/// BOOKMARK; 129, 130: timeoutSeconds 2, none but the initial-events-end one).
@Suite struct WatchBookmarkTests {
    @Test("a BOOKMARK two seconds before the deadline, only when bookmarks are allowed and the watch is long enough",
          arguments: [(timeout: 3, bookmarks: true, expected: 1), (timeout: 2, bookmarks: true, expected: 0),
                      (timeout: 3, bookmarks: false, expected: 0)])
    func preTimeoutBookmark(timeout: Int, bookmarks: Bool, expected: Int) async throws {
        let session = ReplaySession()
        defer { session.api.shutdown() }
        // From a resourceVersion: a watch from none is a streaming list on a v1.36 server, whose
        // initial-events-end bookmark would come first (SetListOptionsDefaults, WatchList on).
        var query = ["watch": "1", "timeoutSeconds": String(timeout), "resourceVersion": String(session.api.store.resourceVersion)]
        if bookmarks { query["allowWatchBookmarks"] = "true" }
        let response = await session.api.handle(APIRequest(method: "GET", path: "/api/v1/namespaces/default/configmaps",
                                                           query: query, user: ReplaySession.admin))
        guard case let .watch(stream) = response else {
            Issue.record("not a watch: \(response.status)")
            return
        }
        let started = ContinuousClock.now
        let events = await session.consume(stream, deadline: .seconds(timeout + 10))
        let elapsed = ContinuousClock.now - started
        let types = events.map { $0["type"]?.stringValue ?? "" }
        #expect(types == Array(repeating: "BOOKMARK", count: expected))
        #expect(events.first?["object"] == nil || events.first?[path: ["object", "kind"]] == "ConfigMap")
        #expect(elapsed >= .seconds(timeout) && elapsed < .seconds(timeout + 5), "the watch ends at its timeoutSeconds")
    }
}
