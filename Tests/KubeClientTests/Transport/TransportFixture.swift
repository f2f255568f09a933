import KubeClient
import KubeCore
import KubeTestServer

/// An API test server (no simulator, so nothing writes behind a test's back) and helpers to
/// build engines and requests against it.
struct TransportFixture {
    let server: TestAPIServer

    static func start() async throws -> TransportFixture {
        var options = TestAPIServer.Options()
        options.simulator = nil
        options.gatewayAPI = false
        return TransportFixture(server: try await TestAPIServer.start(options))
    }

    func stop() async { await server.stop() }

    var caPEM: [UInt8] { Array(server.ca.certificatePEM.utf8) }

    func engine(http2: Bool = true, tls: TLSOptions? = nil, connectTimeout: Duration = .seconds(10)) throws -> CurlEngine {
        try CurlEngine(options: TransportOptions(tls: tls ?? TLSOptions(caPEM: caPEM), connectTimeout: connectTimeout, http2: http2))
    }

    /// A request as the admin, by bearer token.
    func request(_ path: String, method: String = "GET", body: JSON? = nil, timeout: Duration? = .seconds(20),
                 idleTimeout: Duration? = nil, token: String? = nil) -> HTTPRequest {
        var headers = [("Authorization", "Bearer \(token ?? server.adminToken)"), ("Accept", "application/json")]
        if body != nil { headers.append(("Content-Type", "application/json")) }
        return HTTPRequest(method: method, url: server.url + path, headers: headers, body: body?.serialized(),
                           timeout: timeout, idleTimeout: idleTimeout)
    }

    /// The list's resourceVersion, to watch from "now".
    func resourceVersion(of path: String, engine: CurlEngine) async throws -> String {
        let response = try await engine.execute(request(path))
        return try JSON.parse(response.body)[path: ["metadata", "resourceVersion"]]?.stringValue ?? ""
    }

    static func namespace(_ name: String) -> JSON {
        ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": .string(name)]]
    }
}

/// Reads a stream until `predicate` holds for the text received so far; returns that text.
func readUntil(_ body: AsyncThrowingStream<[UInt8], any Error>, _ predicate: (String) -> Bool) async throws -> String? {
    var received: [UInt8] = []
    for try await chunk in body {
        received += chunk
        let text = String(decoding: received, as: UTF8.self)
        if predicate(text) { return text }
    }
    return nil
}

/// Runs `operation`, expecting it to throw a TransportError; returns it (nil when it did not throw one).
func transportError<T>(_ operation: () async throws(TransportError) -> T) async -> TransportError? {
    do {
        _ = try await operation()
        return nil
    } catch {
        return error
    }
}
