import KubeClient
import KubeCore
import KubeTestServer
import Testing

@Suite("Transport: protocol, connection reuse, bodies")
struct TransportConnectionTests {
    @Test("HTTP/2 by ALPN, HTTP/1.1 when switched off", arguments: [true, false])
    func httpVersion(http2: Bool) async throws {
        let fixture = try await TransportFixture.start()
        defer { Task { await fixture.stop() } }
        let engine = try fixture.engine(http2: http2)
        let response = try await engine.execute(fixture.request("/version"))
        #expect(response.status == 200)
        #expect(response.head.httpVersion == (http2 ? 2 : 1))
    }

    /// 250 requests: more than the 200 stream resets per 30 s that NIO tolerates by default (libcurl
    /// 7.88 resets every finished HTTP/2 stream), so the server must not close the connection.
    @Test("sequential requests reuse one connection", arguments: [true, false])
    func sequentialReuse(http2: Bool) async throws {
        let fixture = try await TransportFixture.start()
        defer { Task { await fixture.stop() } }
        let engine = try fixture.engine(http2: http2)
        for _ in 0..<250 {
            #expect(try await engine.execute(fixture.request("/api/v1/namespaces")).status == 200)
        }
        let stats = engine.stats
        #expect(stats.connectionsOpened == 1)
        #expect(stats.transfersFinished == 250)
    }

    @Test("concurrent requests over HTTP/2 share one connection")
    func concurrentRequests() async throws {
        let fixture = try await TransportFixture.start()
        defer { Task { await fixture.stop() } }
        let engine = try fixture.engine()
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<30 { group.addTask { try await engine.execute(fixture.request("/api/v1/namespaces")).status } }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(statuses == Array(repeating: 200, count: 30))
        #expect(engine.stats.connectionsOpened == 1)
    }

    @Test("a 1 MB request body and a 1 MB response", arguments: [true, false])
    func largeBodies(http2: Bool) async throws {
        let fixture = try await TransportFixture.start()
        defer { Task { await fixture.stop() } }
        let engine = try fixture.engine(http2: http2)
        let payload = String((0..<1_000_000).map { i in Character(Unicode.Scalar(UInt8(97 + i % 26))) })
        let configMap: JSON = ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "big", "namespace": "default"],
                               "data": ["payload": .string(payload)]]
        let created = try await engine.execute(fixture.request("/api/v1/namespaces/default/configmaps", method: "POST", body: configMap))
        #expect(created.status == 201, "\(String(decoding: created.body.prefix(300), as: UTF8.self))")
        #expect(created.body.count > 1_000_000)

        let read = try await engine.execute(fixture.request("/api/v1/namespaces/default/configmaps/big"))
        #expect(read.status == 200)
        #expect(try JSON.parse(read.body)[path: ["data", "payload"]]?.stringValue == payload)
    }

    @Test("HTTP error statuses are responses, with the Status body")
    func errorStatus() async throws {
        let fixture = try await TransportFixture.start()
        defer { Task { await fixture.stop() } }
        let engine = try fixture.engine()
        let response = try await engine.execute(fixture.request("/api/v1/namespaces/nope"))
        #expect(response.status == 404)
        let status = try JSON.parse(response.body)
        #expect(status["kind"] == "Status")
        #expect(status["message"] == "namespaces \"nope\" not found")
    }
}
