import Foundation
import KubeCore

/// The HTTP API of the simulated Prometheus, apart from the networking: `GET` or `POST`
/// `/api/v1/query` (parameters `query` and `time`, in the URL or a form body) answered as
/// Prometheus answers, over `SimulatedMetrics`. Every answer says it is simulated: a `warnings`
/// entry in the JSON (the field Prometheus uses for notes about a result) and an
/// `X-Simulated-By` header.
struct SimulatedPrometheusAPI: Sendable {
    struct Response: Sendable {
        var status: Int
        var contentType: String
        var body: [UInt8]
    }

    static let warning = "simulated by modelops-playground: made-up metrics of healthy model servers, not a real Prometheus"
    static let header = ("X-Simulated-By", "modelops-playground")

    /// The simulated wall clock, for queries without `time`.
    let now: @Sendable () -> Date

    func respond(method: String, uri: String, body: [UInt8]) -> Response {
        let (path, query) = Self.split(uri)
        switch (method, path) {
        case ("GET", "/api/v1/query"), ("POST", "/api/v1/query"):
            var parameters = Self.form(query)
            if method == "POST" { parameters.merge(Self.form(String(decoding: body, as: UTF8.self))) { url, _ in url } }
            return instantQuery(parameters)
        case ("GET", "/"), ("GET", "/-/healthy"), ("GET", "/-/ready"):
            return Response(status: 200, contentType: "text/plain; charset=utf-8", body: Array("""
                Simulated Prometheus of `modelops-playground` (not a real Prometheus).
                It answers GET/POST /api/v1/query with made-up metrics of healthy model servers.

                """.utf8))
        case (_, "/api/v1/query"):
            return Self.error(405, "bad_data", "method \(method) not allowed")
        default:
            return Self.error(404, "not_found", "\(path) is not served by the simulated Prometheus (only /api/v1/query)")
        }
    }

    func instantQuery(_ parameters: [String: String]) -> Response {
        guard let text = parameters["query"], !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            return Self.error(400, "bad_data", "invalid parameter \"query\": unknown position: parse error: no expression found in input")
        }
        var time = now().timeIntervalSince1970
        if let raw = parameters["time"] {
            guard let parsed = Self.time(raw) else {
                return Self.error(400, "bad_data", "invalid parameter \"time\": cannot parse \"\(raw)\" to a valid timestamp")
            }
            time = parsed
        }
        let value: PromQLEvaluator.Value
        do {
            value = try PromQLEvaluator(time: time).evaluate(try PromQL.parse(text))
        } catch let error as PromQL.ParseError {
            return Self.error(400, "bad_data", "invalid parameter \"query\": \(error)")
        } catch {
            return Self.error(422, "execution", "\(error)")
        }
        let stamp = JSON.double((time * 1000).rounded() / 1000)
        let data: JSON
        switch value {
        case let .scalar(number):
            data = ["resultType": "scalar", "result": [stamp, .string(SimulatedMetrics.format(number))]]
        case let .vector(samples):
            data = ["resultType": "vector", "result": .array(samples.map { sample -> JSON in
                ["metric": .object(sample.labels.mapValues { .string($0) }),
                 "value": [stamp, .string(SimulatedMetrics.format(sample.value))]]
            })]
        case .matrix:
            return Self.error(400, "bad_data", "invalid expression type \"range vector\" for range query, must be Scalar or instant Vector")
        }
        return Self.json(200, ["status": "success", "data": data, "warnings": [.string(Self.warning)]])
    }

    static func error(_ status: Int, _ type: String, _ message: String) -> Response {
        json(status, ["status": "error", "errorType": .string(type), "error": .string(message), "warnings": [.string(warning)]])
    }

    static func json(_ status: Int, _ body: JSON) -> Response {
        Response(status: status, contentType: "application/json", body: body.serialized())
    }

    /// RFC 3339 or Unix seconds, as Prometheus accepts.
    static func time(_ raw: String) -> Double? {
        if let seconds = Double(raw), seconds.isFinite { return seconds }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: raw) { return date.timeIntervalSince1970 }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: raw)?.timeIntervalSince1970
    }

    static func split(_ uri: String) -> (path: String, query: String) {
        guard let mark = uri.firstIndex(of: "?") else { return (uri, "") }
        return (String(uri[..<mark]), String(uri[uri.index(after: mark)...]))
    }

    /// `a=1&b=x+y%2B` → ["a": "1", "b": "x y+"] (form encoding: `+` is a space).
    static func form(_ text: String) -> [String: String] {
        var result: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = decode(parts[0])
            if result[key] == nil { result[key] = parts.count > 1 ? decode(parts[1]) : "" }
        }
        return result
    }

    static func decode(_ text: Substring) -> String {
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8).makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "+"): bytes.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                let high = iterator.next(), low = iterator.next()
                if let high, let low, let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16) {
                    bytes.append(value)
                } else {
                    bytes.append(byte)
                    if let high { bytes.append(high) }
                    if let low { bytes.append(low) }
                }
            default: bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
