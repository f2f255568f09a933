import Foundation
import KubeClient
import KubeCore
import ModelOpsAPI

/// Measures through Prometheus's HTTP API: `GET <address>/api/v1/query?query=...&time=...`, sent
/// with the client's libcurl engine (one engine for every Prometheus the operator talks to, so
/// connections are reused between measurements).
public struct PrometheusMeasurer: MetricMeasurer {
    /// Which instant a query is evaluated at.
    public enum EvaluationTime: Sendable, Hashable {
        /// The `time` the runner asks for (the measurement's due time on the operator's clock).
        case requested
        /// Prometheus's own "now" (no `time` parameter). For tests whose operator clock is shifted
        /// away from real time, where a query at the shifted instant would find no samples.
        case server
    }

    public var timeout: Duration
    public var evaluationTime: EvaluationTime

    public init(timeout: Duration = .seconds(10)) {
        self.init(timeout: timeout, evaluationTime: .requested)
    }

    public init(timeout: Duration, evaluationTime: EvaluationTime) {
        self.timeout = timeout
        self.evaluationTime = evaluationTime
    }

    public func measure(query: String, provider: MetricProvider, at time: Date) async -> AnalysisMeasurement {
        let url = Self.queryURL(address: provider.prometheus.address, query: query,
                                time: evaluationTime == .requested ? time : nil)
        guard let engine = Self.engine.value else {
            return AnalysisMeasurement(phase: .error, message: "cannot start the HTTP engine: \(Self.engine.error.map { "\($0)" } ?? "")")
        }
        let request = HTTPRequest(url: url, headers: [("Accept", "application/json")], timeout: timeout)
        let response: HTTPResponse
        do {
            response = try await engine.execute(request)
        } catch {
            return AnalysisMeasurement(phase: .error, message: "querying Prometheus at \(provider.prometheus.address): \(error)")
        }
        switch PrometheusResponse.decode(status: response.status, body: response.body) {
        case let .value(value):
            return AnalysisMeasurement(phase: .successful, value: value)
        case .noData:
            return AnalysisMeasurement(phase: .inconclusive, message: "the query returned no data")
        case let .error(message):
            return AnalysisMeasurement(phase: .error, message: message)
        }
    }

    /// `<address>/api/v1/query?query=<query>[&time=<unix seconds>]`; the address may carry a path
    /// prefix (a Prometheus behind a reverse proxy) and a trailing slash.
    static func queryURL(address: String, query: String, time: Date?) -> String {
        var base = address
        while base.hasSuffix("/") { base.removeLast() }
        var url = base + "/api/v1/query?query=" + percentEncoded(query)
        if let time {
            url += "&time=" + String(format: "%.3f", time.timeIntervalSince1970)
        }
        return url
    }

    /// Query-component encoding: everything but RFC 3986's unreserved characters is escaped, so
    /// PromQL's `+`, `&`, `=`, `{`, `"` and spaces arrive as written.
    static func percentEncoded(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(UnicodeScalar(byte))
            default:
                out += String(format: "%%%02X", byte)
            }
        }
        return out
    }

    /// The process's engine for metric queries, separate from the API server's (different hosts, TLS
    /// settings and proxy rules). The environment's proxy variables are ignored as everywhere in
    /// the client.
    static let engine: EngineHolder = EngineHolder()

    final class EngineHolder: Sendable {
        let value: CurlEngine?
        let error: TransportError?

        init() {
            do {
                value = try CurlEngine(options: TransportOptions(connectTimeout: .seconds(5)))
                error = nil
            } catch {
                value = nil
                self.error = error
            }
        }
    }
}
