import KubeCore

/// What a trainer reports when it ends: the JSON object it writes to its termination message
/// (`/dev/termination-log`, at most 4096 bytes), `{"metrics": {"accuracy": 0.93}, "modelURI": "s3://…"}`.
/// `metrics` must be an object of numbers; `modelURI` is optional (the spec's outputURI is
/// recorded instead); other keys are ignored so trainers may add their own.
public struct TrainingResult: Sendable, Equatable {
    public var metrics: [String: Double]
    public var modelURI: String?

    public init(metrics: [String: Double], modelURI: String? = nil) {
        self.metrics = metrics
        self.modelURI = modelURI
    }

    /// Why a termination message holds no usable result; `description` is what the Warning
    /// event and the condition quote.
    public enum Problem: Error, Sendable, Equatable, CustomStringConvertible {
        /// The trainer wrote nothing.
        case missing
        /// It wrote something that is not the expected JSON; the text says what is wrong.
        case malformed(String)

        public var description: String {
            switch self {
            case .missing: return "the trainer wrote no termination message"
            case let .malformed(detail): return "the termination message is not a result: \(detail)"
            }
        }
    }

    /// Parses a termination message; never traps, whatever the trainer wrote.
    public static func parse(_ message: String?) -> Result<TrainingResult, Problem> {
        guard let message, !message.allSatisfy(\.isWhitespace) else { return .failure(.missing) }
        let json: JSON
        do {
            json = try JSON.parse(message)
        } catch {
            return .failure(.malformed("invalid JSON: \(error.message) (\(quoted(message)))"))
        }
        guard case let .object(object) = json else {
            return .failure(.malformed("expected a JSON object, got \(json.typeName) (\(quoted(message)))"))
        }
        guard let metricsJSON = object["metrics"] else {
            return .failure(.malformed("no \"metrics\" object"))
        }
        guard case let .object(entries) = metricsJSON else {
            return .failure(.malformed("\"metrics\" must be an object of numbers, got \(metricsJSON.typeName)"))
        }
        var metrics: [String: Double] = [:]
        for name in entries.keys.sorted() {
            guard let value = entries[name]?.doubleValue, value.isFinite else {
                return .failure(.malformed("metric \"\(name)\" must be a number, got \(entries[name]?.typeName ?? "nothing")"))
            }
            metrics[name] = value
        }
        var uri: String? = nil
        if let value = object["modelURI"] {
            guard let text = value.stringValue else {
                return .failure(.malformed("\"modelURI\" must be a string, got \(value.typeName)"))
            }
            uri = text.isEmpty ? nil : text
        }
        return .success(TrainingResult(metrics: metrics, modelURI: uri))
    }

    /// The message as quoted in errors: at most 200 characters.
    static func quoted(_ text: String) -> String {
        let cut = text.count > 200 ? String(text.prefix(200)) + "…" : text
        return "\"" + cut + "\""
    }
}
