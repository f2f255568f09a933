import Foundation
import KubeCore
import KubeTestServerCore
import Testing

/// Paged lists as etcd serves them: keys in byte order of `namespace/name`, continue keys after
/// the list's own prefix (golden 054: `/page-2` in a namespace's list), and every page read at
/// the first page's revision, whatever was written in between.
@Suite struct ListPagingTests {
    private func configMap(_ namespace: String, _ name: String, _ value: String = "v1") -> JSON {
        ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": .string(name), "namespace": .string(namespace)],
         "data": ["value": .string(value)]]
    }

    private func names(_ list: JSON) -> [String] {
        (list["items"]?.arrayValue ?? []).map {
            "\($0[path: ["metadata", "namespace"]]?.stringValue ?? "")/\($0[path: ["metadata", "name"]]?.stringValue ?? "")"
        }
    }

    /// Every page of `path`, `limit` at a time, with `between` run after each page.
    private func pages(_ session: ReplaySession, _ path: String, limit: Int,
                       between: (Int) async throws -> Void = { _ in }) async throws -> [JSON] {
        var pages: [JSON] = []
        var token = ""
        repeat {
            var query = ["limit": String(limit)]
            if !token.isEmpty { query["continue"] = token }
            let (status, page) = await session.send("GET", path, query: query)
            #expect(status == 200, "\(page)")
            pages.append(page)
            token = page[path: ["metadata", "continue"]]?.stringValue ?? ""
            try await between(pages.count)
        } while !token.isEmpty && pages.count < 50
        return pages
    }

    private func continueStart(_ page: JSON) throws -> String {
        var token = page[path: ["metadata", "continue"]]?.stringValue ?? ""
        token = token.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while token.count % 4 != 0 { token += "=" }
        let data = try #require(Data(base64Encoded: token))
        return try #require(try JSON.parse(Array(data))["start"]?.stringValue)
    }

    @Test("across namespaces: team-a lists before team (\"-\" sorts before \"/\"), and pages of one lose and repeat nothing")
    func acrossNamespaces() async throws {
        let session = ReplaySession()
        defer { session.api.shutdown() }
        for namespace in ["team", "team-a", "teamb"] {
            try await session.write("POST", "/api/v1/namespaces", ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": .string(namespace)]])
        }
        for (namespace, name) in [("team", "x"), ("team", "y"), ("team-a", "z"), ("teamb", "a"), ("team-a", "b")] {
            try await session.write("POST", "/api/v1/namespaces/\(namespace)/configmaps", configMap(namespace, name))
        }
        let expected = ["team-a/b", "team-a/z", "team/x", "team/y", "teamb/a"]
        let whole = try await session.write("GET", "/api/v1/configmaps")
        #expect(names(whole).filter { $0.hasPrefix("team") } == expected)

        let paged = try await pages(session, "/api/v1/configmaps", limit: 1)
        #expect(paged.flatMap(names).filter { $0.hasPrefix("team") } == expected)
        // Across namespaces the continue key names the namespace too.
        let third = try #require(paged.first { names($0) == ["team/x"] })
        #expect(try continueStart(third) == "/team/x\u{0}")
    }

    @Test("a namespace's list: continue keys are /name as golden 054 records, remainingItemCount counts that namespace only")
    func withinNamespace() async throws {
        let session = ReplaySession()
        defer { session.api.shutdown() }
        for namespace in ["golden", "golden-b"] {
            try await session.write("POST", "/api/v1/namespaces", ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": .string(namespace)]])
        }
        for i in 0..<7 { try await session.write("POST", "/api/v1/namespaces/golden/configmaps", configMap("golden", "page-\(i)")) }
        for i in 0..<4 { try await session.write("POST", "/api/v1/namespaces/golden-b/configmaps", configMap("golden-b", "page-\(i)")) }

        let paged = try await pages(session, "/api/v1/namespaces/golden/configmaps", limit: 3)
        #expect(paged.map(names) == [["golden/page-0", "golden/page-1", "golden/page-2"],
                                     ["golden/page-3", "golden/page-4", "golden/page-5"], ["golden/page-6"]])
        #expect(try continueStart(paged[0]) == "/page-2\u{0}")
        #expect(paged.map { $0[path: ["metadata", "remainingItemCount"]]?.intValue } == [4, 1, nil])
        #expect(paged.last?[path: ["metadata", "continue"]] == nil, "a built-in list's last page has no continue (golden 118)")
    }

    @Test("every page is read at the first page's revision: later creates, updates, deletes and re-creates do not show")
    func consistentSnapshot() async throws {
        let session = ReplaySession()
        defer { session.api.shutdown() }
        try await session.write("POST", "/api/v1/namespaces", ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": "snap"]])
        for name in ["a", "c", "e", "g"] { try await session.write("POST", "/api/v1/namespaces/snap/configmaps", configMap("snap", name)) }

        let paged = try await pages(session, "/api/v1/namespaces/snap/configmaps", limit: 1) { page in
            guard page == 1 else { return }
            for name in ["b", "f"] { try await session.write("POST", "/api/v1/namespaces/snap/configmaps", configMap("snap", name)) }
            try await session.write("PUT", "/api/v1/namespaces/snap/configmaps/e", configMap("snap", "e", "v2"))
            try await session.write("DELETE", "/api/v1/namespaces/snap/configmaps/g")
            try await session.write("DELETE", "/api/v1/namespaces/snap/configmaps/c")
            try await session.write("POST", "/api/v1/namespaces/snap/configmaps", configMap("snap", "c", "v2"))
        }
        #expect(paged.flatMap(names) == ["snap/a", "snap/c", "snap/e", "snap/g"])
        #expect(paged.compactMap { $0["items"]?[0]?[path: ["data", "value"]]?.stringValue } == ["v1", "v1", "v1", "v1"],
                "c and e as they were at the first page")
        #expect(Set(paged.map { $0[path: ["metadata", "resourceVersion"]]?.stringValue ?? "" }).count == 1)

        let now = try await session.write("GET", "/api/v1/namespaces/snap/configmaps")
        #expect(names(now) == ["snap/a", "snap/b", "snap/c", "snap/e", "snap/f"])
    }

    @Test("when the history no longer reaches back to the first page, the current objects stand in for it")
    func historyForgotten() async throws {
        let session = ReplaySession()
        defer { session.api.shutdown() }
        try await session.write("POST", "/api/v1/namespaces", ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": "gone"]])
        for name in ["a", "c"] { try await session.write("POST", "/api/v1/namespaces/gone/configmaps", configMap("gone", name)) }
        let paged = try await pages(session, "/api/v1/namespaces/gone/configmaps", limit: 1) { page in
            guard page == 1 else { return }
            try await session.write("POST", "/api/v1/namespaces/gone/configmaps", configMap("gone", "d"))
            session.api.store.forgetHistory()
        }
        #expect(paged.flatMap(names) == ["gone/a", "gone/c", "gone/d"])
    }

    @Test("a continue key is read as the real server reads it: a missing leading / is added, a key that is not a clean path is refused")
    func continueKeys() async throws {
        let session = ReplaySession()
        defer { session.api.shutdown() }
        try await session.write("POST", "/api/v1/namespaces", ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": "keys"]])
        for name in ["a", "b", "c"] { try await session.write("POST", "/api/v1/namespaces/keys/configmaps", configMap("keys", name)) }
        let rv = session.api.store.resourceVersion
        func token(_ start: String) -> String {
            let json: JSON = ["v": "meta.k8s.io/v1", "rv": .int(rv), "start": .string(start)]
            return Data(json.serialized()).base64EncodedString().replacingOccurrences(of: "+", with: "-")
                .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        }
        let (status, page) = await session.send("GET", "/api/v1/namespaces/keys/configmaps", query: ["limit": "5", "continue": token("a\u{0}")])
        #expect(status == 200)
        #expect(names(page) == ["keys/b", "keys/c"])
        for unclean in ["/a/../b\u{0}", "//a\u{0}", "/a/"] {
            let (status, refusal) = await session.send("GET", "/api/v1/namespaces/keys/configmaps", query: ["limit": "5", "continue": token(unclean)])
            #expect(status == 400, "\(unclean)")
            #expect(refusal["message"]?.stringValue == "invalid continue token: continue key is not valid: \(unclean)")
        }
    }

    @Test("a full label-selected page has a continue token while any key follows, matching or not, and no remainingItemCount")
    func selected() async throws {
        let session = ReplaySession()
        defer { session.api.shutdown() }
        try await session.write("POST", "/api/v1/namespaces", ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": "sel"]])
        for (name, team) in [("a", "ml"), ("b", "ops"), ("c", "ml"), ("d", "ops"), ("e", "ops")] {
            var object = configMap("sel", name)
            object[path: ["metadata", "labels"]] = ["team": .string(team)]
            try await session.write("POST", "/api/v1/namespaces/sel/configmaps", object)
        }
        let (_, first) = await session.send("GET", "/api/v1/namespaces/sel/configmaps", query: ["limit": "1", "labelSelector": "team=ml"])
        #expect(names(first) == ["sel/a"])
        #expect(first[path: ["metadata", "remainingItemCount"]] == nil)
        let token = try #require(first[path: ["metadata", "continue"]]?.stringValue)
        let (_, second) = await session.send("GET", "/api/v1/namespaces/sel/configmaps",
                                             query: ["limit": "1", "labelSelector": "team=ml", "continue": token])
        // Keys follow the full page, so it has a continue token though none of them matches:
        // etcd and the watch cache stop at the limit without looking ahead.
        #expect(names(second) == ["sel/c"])
        let next = try #require(second[path: ["metadata", "continue"]]?.stringValue)
        #expect(second[path: ["metadata", "remainingItemCount"]] == nil)
        let (_, third) = await session.send("GET", "/api/v1/namespaces/sel/configmaps",
                                            query: ["limit": "1", "labelSelector": "team=ml", "continue": next])
        #expect(names(third).isEmpty)
        #expect(third[path: ["metadata", "continue"]] == nil)
    }
}
