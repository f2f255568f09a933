import KubeClient
import KubeCore
import KubeTestServer
import Testing
import TestSupport

@Suite("Transport: streaming watches", .timeLimit(.minutes(1)))
struct TransportStreamingTests {
    @Test("a watch yields each event as the server writes it", arguments: [true, false])
    func eventArrivesWhileOpen(http2: Bool) async throws {
        let fixture = try await TransportFixture.start()
        defer { Task { await fixture.stop() } }
        let engine = try fixture.engine(http2: http2)
        let rv = try await fixture.resourceVersion(of: "/api/v1/namespaces", engine: engine)
        let watch = try await engine.stream(fixture.request("/api/v1/namespaces?watch=1&resourceVersion=\(rv)&timeoutSeconds=600"))
        #expect(watch.head.status == 200)
        #expect(watch.head.httpVersion == (http2 ? 2 : 1))

        let created = try await engine.execute(fixture.request("/api/v1/namespaces", method: "POST", body: TransportFixture.namespace("arrives")))
        #expect(created.status == 201)
        // The watch stays open for ten minutes, so the line can only come from streaming.
        let text = try await readUntil(watch.body) { $0.contains("\n") }
        let event = try JSON.parse(String(text?.split(separator: "\n").first ?? ""))
        #expect(event["type"] == "ADDED")
        #expect(event[path: ["object", "metadata", "name"]] == "arrives")
    }

    @Test("20 concurrent watches share one HTTP/2 connection and all see an event")
    func manyWatchesOneConnection() async throws {
        let fixture = try await TransportFixture.start()
        defer { Task { await fixture.stop() } }
        let engine = try fixture.engine()
        let rv = try await fixture.resourceVersion(of: "/api/v1/namespaces", engine: engine)
        let path = "/api/v1/namespaces?watch=1&resourceVersion=\(rv)&timeoutSeconds=600"
        let watches = try await withThrowingTaskGroup(of: StreamingResponse.self) { group in
            for _ in 0..<20 { group.addTask { try await engine.stream(fixture.request(path)) } }
            return try await group.reduce(into: [StreamingResponse]()) { $0.append($1) }
        }
        #expect(watches.count == 20)
        #expect(watches.allSatisfy { $0.head.status == 200 && $0.head.httpVersion == 2 })
        #expect(engine.stats.connectionsOpened == 1)

        _ = try await engine.execute(fixture.request("/api/v1/namespaces", method: "POST", body: TransportFixture.namespace("fan-out")))
        let seen = try await withThrowingTaskGroup(of: Bool.self) { group in
            for watch in watches { group.addTask { try await readUntil(watch.body) { $0.contains("\"fan-out\"") } != nil } }
            return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(seen == 20)
        #expect(engine.stats.connectionsOpened == 1)
    }

    @Test("an error status on a stream comes as the head, with the Status as the body")
    func streamErrorStatus() async throws {
        let fixture = try await TransportFixture.start()
        defer { Task { await fixture.stop() } }
        let engine = try fixture.engine()
        let response = try await engine.stream(HTTPRequest(url: fixture.server.url + "/api/v1/namespaces?watch=1"))
        #expect(response.head.status == 401)
        var body: [UInt8] = []
        for try await chunk in response.body { body += chunk }
        #expect(try JSON.parse(body)["reason"] == "Unauthorized")
    }

    @Test("a silent watch fails with the idle timeout")
    func idleTimeout() async throws {
        let fixture = try await TransportFixture.start()
        defer { Task { await fixture.stop() } }
        let engine = try fixture.engine()
        let rv = try await fixture.resourceVersion(of: "/api/v1/namespaces", engine: engine)
        let clock = ContinuousClock()
        let start = clock.now
        let watch = try await engine.stream(fixture.request(
            "/api/v1/namespaces?watch=1&resourceVersion=\(rv)&timeoutSeconds=3600&allowWatchBookmarks=false",
            idleTimeout: .milliseconds(1500)))
        #expect(watch.head.status == 200)
        var thrown: (any Error)?
        do {
            for try await _ in watch.body {}
        } catch {
            thrown = error
        }
        let elapsed = clock.now - start
        #expect(thrown as? TransportError == .idleTimeout)
        #expect((thrown as? TransportError)?.isRetryable == true)
        #expect(elapsed >= .milliseconds(1500) && elapsed < .seconds(10), "\(elapsed)")
    }

    @Test("the server ending all watches ends the stream without an error", arguments: [true, false])
    func serverEndsWatch(http2: Bool) async throws {
        let fixture = try await TransportFixture.start()
        defer { Task { await fixture.stop() } }
        let engine = try fixture.engine(http2: http2)
        let rv = try await fixture.resourceVersion(of: "/api/v1/namespaces", engine: engine)
        let watch = try await engine.stream(fixture.request("/api/v1/namespaces?watch=1&resourceVersion=\(rv)&timeoutSeconds=600"))
        // A client holding the 200 is already watching (the server registers before it answers),
        // so dropping every watch right now must end this one, not leave it open for ten minutes.
        #expect(fixture.server.api.store.openWatchCount == 1)
        let clock = ContinuousClock()
        let start = clock.now
        fixture.server.api.store.dropAllWatches()
        var bytes = 0
        for try await chunk in watch.body { bytes += chunk.count }
        #expect(bytes == 0)
        #expect(clock.now - start < .seconds(30))
        // The connection stays usable.
        #expect(try await engine.execute(fixture.request("/version")).status == 200)
        #expect(engine.stats.connectionsOpened == 1)
    }

    @Test("cancelling the consuming task aborts the watch promptly", arguments: [true, false])
    func cancelConsumer(http2: Bool) async throws {
        let fixture = try await TransportFixture.start()
        defer { Task { await fixture.stop() } }
        let engine = try fixture.engine(http2: http2)
        let rv = try await fixture.resourceVersion(of: "/api/v1/namespaces", engine: engine)
        let path = "/api/v1/namespaces?watch=1&resourceVersion=\(rv)&timeoutSeconds=600"
        let consumer = Task {
            let watch = try await engine.stream(fixture.request(path))
            for try await _ in watch.body {}
            return "ended"
        }
        try await eventually(timeout: .seconds(10), "watch started") { engine.stats.transfersStarted == 2 }
        let before = engine.stats.transfersFinished
        let clock = ContinuousClock()
        let start = clock.now
        consumer.cancel()
        _ = try? await consumer.value
        try await eventually(timeout: .seconds(2), "transfer aborted") { engine.stats.transfersFinished == before + 1 }
        #expect(clock.now - start < .seconds(2))
        // Over HTTP/2 only the stream was reset: the connection serves the next request.
        #expect(try await engine.execute(fixture.request("/version")).status == 200)
        if http2 { #expect(engine.stats.connectionsOpened == 1) }
    }

    @Test("dropping the body stream aborts the transfer")
    func dropStream() async throws {
        let fixture = try await TransportFixture.start()
        defer { Task { await fixture.stop() } }
        let engine = try fixture.engine()
        let rv = try await fixture.resourceVersion(of: "/api/v1/namespaces", engine: engine)
        do {
            let watch = try await engine.stream(fixture.request("/api/v1/namespaces?watch=1&resourceVersion=\(rv)&timeoutSeconds=600"))
            #expect(watch.head.status == 200)
        }
        try await eventually(timeout: .seconds(2), "transfer aborted") { engine.stats.transfersFinished == 2 }
    }

    @Test("cancelling while waiting for the response head aborts the request")
    func cancelBeforeHead() async throws {
        let fixture = try await TransportFixture.start()
        defer { Task { await fixture.stop() } }
        let engine = try fixture.engine()
        fixture.server.api.faults.latency = .seconds(30)
        let request = fixture.request("/api/v1/namespaces?watch=1")
        let waiting = Task { () async throws(TransportError) -> Int in try await engine.stream(request).head.status }
        let buffered = Task { () async throws(TransportError) -> Int in try await engine.execute(fixture.request("/version", timeout: nil)).status }
        try await eventually(timeout: .seconds(10), "requests started") { engine.stats.transfersStarted == 2 }
        waiting.cancel()
        buffered.cancel()
        #expect(await waiting.result.error as? TransportError == .cancelled)
        #expect(await buffered.result.error as? TransportError == .cancelled)
        fixture.server.api.faults.latency = nil
    }
}

extension Result {
    var error: Failure? {
        if case let .failure(error) = self { return error }
        return nil
    }
}
