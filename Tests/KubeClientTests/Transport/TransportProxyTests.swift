import KubeClient
import KubeCore
import Testing

@Suite("Transport: proxy")
struct TransportProxyTests {
    @Test("requests tunnel through the configured proxy (also with serverName)", arguments: [nil, "localhost"])
    func throughProxy(serverName: String?) async throws {
        let fixture = try await TransportFixture.start()
        defer { Task { await fixture.stop() } }
        let proxy = try ConnectProxy()
        defer { proxy.stop() }
        let engine = try CurlEngine(options: TransportOptions(tls: TLSOptions(caPEM: fixture.caPEM, serverName: serverName),
                                                              proxyURL: proxy.url))
        let response = try await engine.execute(fixture.request("/version"))
        #expect(response.status == 200)
        #expect(response.head.httpVersion == 2)
        // With serverName the tunnel still goes to the URL's address; only TLS uses the name.
        #expect(proxy.targets == ["127.0.0.1:\(fixture.server.port)"])
    }

    @Test("a proxy that refuses the tunnel, or is not there, fails with a proxy error")
    func proxyFailures() async throws {
        let fixture = try await TransportFixture.start()
        defer { Task { await fixture.stop() } }
        let refusing = try ConnectProxy(refuse: true)
        defer { refusing.stop() }
        let closed = try ConnectProxy()
        closed.stop()
        for proxyURL in [refusing.url, closed.url] {
            let engine = try CurlEngine(options: TransportOptions(tls: TLSOptions(caPEM: fixture.caPEM), proxyURL: proxyURL))
            let error = await transportError { () async throws(TransportError) in try await engine.execute(fixture.request("/version")) }
            guard case .proxy? = error else {
                Issue.record("\(proxyURL): expected a proxy error, got \(String(describing: error))")
                continue
            }
        }
    }
}
