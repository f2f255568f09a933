import KubeCore
import KubeTestServerCore

/// `modelops-playground --request-counts-port`: the API server's request counts as JSON on
/// loopback (`GET /requests`: `{"total": {"create deployments": 3, …}, "clients": {"kopf": {…}}}`),
/// so that a benchmark of an operator in another process, whatever it is written in, can count
/// that operator's requests on the server side (`modelops-bench firstdeploy`). Clients are named
/// by their User-Agent's product; the simulator's built-in controllers appear in the totals only.
/// Served beside the API server, not by it: kube-apiserver has no such endpoint.
enum PlaygroundRequestCounts {
    static let path = "/requests"

    static func start(port: Int, counter: RequestCounter) async throws -> LoopbackHTTPServer {
        try await LoopbackHTTPServer.start(port: port) { method, uri, _ in
            guard method == "GET", uri == path else {
                return LoopbackHTTPServer.Response(status: 404, contentType: "text/plain", body: Array("GET \(path)\n".utf8))
            }
            func object(_ counts: [String: Int]) -> JSON { .object(counts.mapValues { .int(Int64($0)) }) }
            let json: JSON = ["total": object(counter.snapshot), "clients": .object(counter.byClient.mapValues(object))]
            return LoopbackHTTPServer.Response(status: 200, contentType: "application/json", body: json.serialized())
        }
    }
}
