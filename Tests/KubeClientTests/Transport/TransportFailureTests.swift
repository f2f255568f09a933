import KubeClient
import KubeCore
import KubeTestServer
import Testing

@Suite("Transport: failures")
struct TransportFailureTests {
    @Test("server latency beyond the request timeout fails with timedOut")
    func timeout() async throws {
        let fixture = try await TransportFixture.start()
        defer { Task { await fixture.stop() } }
        let engine = try fixture.engine()
        // Warm the connection, so the timeout hits the request rather than the handshake.
        #expect(try await engine.execute(fixture.request("/version")).status == 200)
        fixture.server.api.faults.latency = .seconds(5)
        let clock = ContinuousClock()
        let start = clock.now
        let error = await transportError { () async throws(TransportError) in
            try await engine.execute(fixture.request("/api/v1/namespaces", timeout: .milliseconds(300)))
        }
        #expect(error == .timedOut)
        #expect(error?.isRetryable == false)
        #expect(clock.now - start < .seconds(3))
        fixture.server.api.faults.latency = nil
    }

    @Test("a closed port fails with a retryable connectFailed")
    func closedPort() async throws {
        let fixture = try await TransportFixture.start()
        let url = fixture.server.url
        let tls = TLSOptions(caPEM: fixture.caPEM)
        await fixture.stop()
        let engine = try CurlEngine(options: TransportOptions(tls: tls))
        let error = await transportError { () async throws(TransportError) in
            try await engine.execute(HTTPRequest(url: url + "/version", timeout: .seconds(10)))
        }
        guard case .connectFailed? = error else {
            Issue.record("expected connectFailed, got \(String(describing: error))")
            return
        }
        #expect(error?.isRetryable == true)
    }

    @Test("after shutdown, requests fail as cancelled and open streams end")
    func shutdown() async throws {
        let fixture = try await TransportFixture.start()
        defer { Task { await fixture.stop() } }
        let engine = try fixture.engine()
        let watch = try await engine.stream(fixture.request("/api/v1/namespaces?watch=1&timeoutSeconds=600"))
        engine.shutdown()
        var thrown: (any Error)?
        do { for try await _ in watch.body {} } catch { thrown = error }
        #expect(thrown as? TransportError == .cancelled)
        let error = await transportError { () async throws(TransportError) in try await engine.execute(fixture.request("/version")) }
        #expect(error == .cancelled)
    }
}
