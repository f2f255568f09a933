import Foundation

/// The playground's stand-in for Prometheus: plain HTTP on 127.0.0.1 serving
/// `SimulatedPrometheusAPI`, so the operator's analysis and metric triggers take the same HTTP
/// path (`PrometheusMeasurer`) they take against a real Prometheus.
final class SimulatedPrometheus: Sendable {
    private let server: LoopbackHTTPServer
    var port: Int { server.port }
    var url: String { server.url }

    private init(server: LoopbackHTTPServer) {
        self.server = server
    }

    /// Listens on 127.0.0.1 at `port` (0: a free one).
    static func start(port: Int, now: @escaping @Sendable () -> Date) async throws -> SimulatedPrometheus {
        let api = SimulatedPrometheusAPI(now: now)
        return SimulatedPrometheus(server: try await LoopbackHTTPServer.start(port: port) { method, uri, body in
            let response = api.respond(method: method, uri: uri, body: body)
            return LoopbackHTTPServer.Response(status: response.status, contentType: response.contentType, body: response.body,
                                               headers: [SimulatedPrometheusAPI.header])
        })
    }

    func stop() async {
        await server.stop()
    }
}
