import KubeCore

/// What an instant query (`/api/v1/query`) answered, reduced to what analysis needs: one number,
/// no data, or an error worded for the user.
enum PrometheusResponse: Sendable, Equatable {
    case value(Double)
    case noData
    case error(String)

    /// Decodes a response body. `httpStatus` words answers that are not Prometheus JSON (a proxy's
    /// 502 page, a wrong address answering 404).
    static func decode(status httpStatus: Int, body: [UInt8]) -> PrometheusResponse {
        guard let json = try? JSON.parse(body), json["status"]?.stringValue != nil else {
            let text = String(decoding: body.prefix(200), as: UTF8.self).trimmingWhitespace()
            let detail = text.isEmpty ? "" : ": \(text)"
            return .error("HTTP \(httpStatus) without a Prometheus answer\(detail)")
        }
        if json["status"]?.stringValue != "success" {
            let type = json["errorType"]?.stringValue ?? "error"
            let message = json["error"]?.stringValue ?? "no error message"
            return .error("Prometheus \(type) (HTTP \(httpStatus)): \(message)")
        }
        guard let data = json["data"], let resultType = data["resultType"]?.stringValue else {
            return .error("Prometheus answered without data.resultType")
        }
        switch resultType {
        case "vector":
            guard let samples = data["result"]?.arrayValue else { return .error("Prometheus vector without a result list") }
            switch samples.count {
            case 0: return .noData
            case 1: return sampleValue(samples[0]["value"])
            default:
                let series = samples.prefix(3).map { ($0["metric"] ?? .object([:])).serializedString() }
                return .error("the query returned \(samples.count) series, analysis needs exactly one "
                              + "(aggregate it, e.g. with sum or avg): \(series.joined(separator: ", "))\(samples.count > 3 ? ", ..." : "")")
            }
        case "scalar":
            return sampleValue(data["result"])
        default:
            return .error("the query returned a \(resultType), analysis needs an instant vector with one series or a scalar")
        }
    }

    /// A `[<unix time>, "<value>"]` pair; Prometheus writes values as strings ("NaN", "+Inf").
    private static func sampleValue(_ pair: JSON?) -> PrometheusResponse {
        guard let text = pair?[1]?.stringValue, let value = Double(text) else {
            return .error("malformed sample in Prometheus answer: \(pair?.serializedString() ?? "none")")
        }
        guard value.isFinite else { return .error("the query returned \(text), not a number to judge") }
        return .value(value)
    }
}

extension String {
    fileprivate func trimmingWhitespace() -> String {
        String(drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }
}
