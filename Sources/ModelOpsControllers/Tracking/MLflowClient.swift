import Foundation
import KubeClient
import KubeCore

/// The few calls of MLflow's REST API (`/api/2.0/mlflow/...`) the operator makes, sent with a
/// libcurl engine of its own. Each returns the decoded answer or throws `MLflowError` with
/// MLflow's `error_code` and message.
public struct MLflowClient: Sendable {
    /// How requests authenticate, as MLflow's own client does from its environment.
    public enum Credentials: Sendable, Hashable {
        /// `MLFLOW_TRACKING_TOKEN`: `Authorization: Bearer <token>`.
        case token(String)
        /// `MLFLOW_TRACKING_USERNAME` / `_PASSWORD`: basic auth.
        case basic(username: String, password: String)
    }

    public var trackingURI: String
    public var credentials: Credentials?
    public var timeout: Duration

    public init(trackingURI: String, credentials: Credentials? = nil, timeout: Duration = .seconds(5)) {
        var base = trackingURI
        while base.hasSuffix("/") { base.removeLast() }
        self.trackingURI = base
        self.credentials = credentials
        self.timeout = timeout
    }

    /// The run's page in the MLflow UI.
    public func runURL(experimentID: String, runID: String) -> String {
        "\(trackingURI)/#/experiments/\(experimentID)/runs/\(runID)"
    }

    // MARK: Experiments

    /// The experiment's id, creating the experiment when there is none of that name (a
    /// concurrent creation is looked up again).
    public func experimentID(named name: String) async throws(MLflowError) -> String {
        if let id = try await findExperiment(name) { return id }
        do throws(MLflowError) {
            let created = try await call("POST", "experiments/create", body: ["name": .string(name)])
            if let id = created["experiment_id"]?.stringValue { return id }
            throw MLflowError(status: 200, code: "BAD_RESPONSE", message: "experiments/create returned no experiment_id")
        } catch where error.code == "RESOURCE_ALREADY_EXISTS" {
            if let id = try await findExperiment(name) { return id }
            throw error
        }
    }

    func findExperiment(_ name: String) async throws(MLflowError) -> String? {
        do throws(MLflowError) {
            let found = try await call("GET", "experiments/get-by-name?experiment_name=\(Self.queryEncoded(name))")
            return found[path: ["experiment", "experiment_id"]]?.stringValue
        } catch where error.code == "RESOURCE_DOES_NOT_EXIST" {
            return nil
        }
    }

    // MARK: Runs

    /// A run of the experiment whose tag `key` is `value`, if there is one.
    public func findRun(experimentID: String, tag key: String, value: String) async throws(MLflowError) -> MLflowRun? {
        let filter = "tags.`\(key)` = '\(value.replacingOccurrences(of: "'", with: "\\'"))'"
        let found = try await call("POST", "runs/search", body: [
            "experiment_ids": [.string(experimentID)], "filter": .string(filter), "max_results": 1,
        ])
        return found["runs"]?[0].flatMap(MLflowRun.init(json:))
    }

    /// A new run, RUNNING, with its tags.
    public func createRun(experimentID: String, name: String, startTime: Date, tags: [String: String]) async throws(MLflowError) -> MLflowRun {
        let created = try await call("POST", "runs/create", body: [
            "experiment_id": .string(experimentID), "run_name": .string(name),
            "start_time": .int(Self.milliseconds(startTime)), "tags": Self.pairs(tags),
        ])
        guard let run = created["run"].flatMap(MLflowRun.init(json:)) else {
            throw MLflowError(status: 200, code: "BAD_RESPONSE", message: "runs/create returned no run")
        }
        return run
    }

    public func getRun(_ runID: String) async throws(MLflowError) -> MLflowRun {
        let found = try await call("GET", "runs/get?run_id=\(Self.queryEncoded(runID))")
        guard let run = found["run"].flatMap(MLflowRun.init(json:)) else {
            throw MLflowError(status: 200, code: "BAD_RESPONSE", message: "runs/get returned no run")
        }
        return run
    }

    /// Params, metrics (each at `time`, step 0) and tags in one request. Logging a param again
    /// with the same value is accepted by MLflow, so a retried batch does no harm.
    public func logBatch(runID: String, params: [String: String] = [:], metrics: [String: Double] = [:], at time: Date = Date(),
                         tags: [String: String] = [:]) async throws(MLflowError) {
        let timestamp = Self.milliseconds(time)
        let metricList: [JSON] = metrics.keys.sorted().map { key in
            ["key": .string(Self.key(key)), "value": .double(metrics[key] ?? 0), "timestamp": .int(timestamp), "step": 0]
        }
        _ = try await call("POST", "runs/log-batch", body: [
            "run_id": .string(runID), "params": Self.pairs(params), "metrics": .array(metricList), "tags": Self.pairs(tags),
        ])
    }

    /// Ends the run (`FINISHED` or `FAILED`).
    public func endRun(_ runID: String, status: String, endTime: Date) async throws(MLflowError) {
        _ = try await call("POST", "runs/update", body: [
            "run_id": .string(runID), "status": .string(status), "end_time": .int(Self.milliseconds(endTime)),
        ])
    }

    // MARK: Registry

    /// Creates the registered model unless it exists.
    public func ensureRegisteredModel(_ name: String) async throws(MLflowError) {
        do throws(MLflowError) {
            _ = try await call("POST", "registered-models/create", body: ["name": .string(name)])
        } catch where error.code == "RESOURCE_ALREADY_EXISTS" {
        }
    }

    /// The version of `model` made from run `runID`, if one was registered.
    public func findModelVersion(model: String, runID: String) async throws(MLflowError) -> String? {
        let filter = "name='\(model.replacingOccurrences(of: "'", with: "\\'"))' and run_id='\(runID)'"
        let found = try await call("GET", "model-versions/search?filter=\(Self.queryEncoded(filter))")
        return found["model_versions"]?.arrayValue?.first?["version"]?.stringValue
    }

    /// Registers `source` as a new version of `model`, linked to `runID`; returns the version.
    public func createModelVersion(model: String, source: String, runID: String, tags: [String: String]) async throws(MLflowError) -> String {
        let created = try await call("POST", "model-versions/create", body: [
            "name": .string(model), "source": .string(source), "run_id": .string(runID), "tags": Self.pairs(tags),
        ])
        guard let version = created[path: ["model_version", "version"]]?.stringValue else {
            throw MLflowError(status: 200, code: "BAD_RESPONSE", message: "model-versions/create returned no version")
        }
        return version
    }

    /// The version `alias` of `model` points at: (version, source).
    public func modelVersion(model: String, alias: String) async throws(MLflowError) -> (version: String, source: String) {
        let found = try await call("GET", "registered-models/alias?name=\(Self.queryEncoded(model))&alias=\(Self.queryEncoded(alias))")
        guard let version = found[path: ["model_version", "version"]]?.stringValue else {
            throw MLflowError(status: 200, code: "BAD_RESPONSE", message: "registered-models/alias returned no model_version")
        }
        return (version, found[path: ["model_version", "source"]]?.stringValue ?? "")
    }

    /// The version `alias` of `model` points at, or nil when the alias is not set.
    public func aliasVersion(model: String, alias: String) async throws(MLflowError) -> String? {
        do throws(MLflowError) {
            return try await modelVersion(model: model, alias: alias).version
        } catch where error.code == "RESOURCE_DOES_NOT_EXIST" || error.code == "INVALID_PARAMETER_VALUE" && error.message.contains("alias") {
            return nil
        }
    }

    /// Points `alias` of `model` at `version`.
    public func setAlias(model: String, alias: String, version: String) async throws(MLflowError) {
        _ = try await call("POST", "registered-models/alias", body: ["name": .string(model), "alias": .string(alias), "version": .string(version)])
    }

    /// One model version: its source and tags.
    public func getModelVersion(model: String, version: String) async throws(MLflowError) -> (source: String, tags: [String: String]) {
        let found = try await call("GET", "model-versions/get?name=\(Self.queryEncoded(model))&version=\(Self.queryEncoded(version))")
        var tags: [String: String] = [:]
        for tag in found[path: ["model_version", "tags"]]?.arrayValue ?? [] {
            if let key = tag["key"]?.stringValue { tags[key] = tag["value"]?.stringValue ?? "" }
        }
        return (found[path: ["model_version", "source"]]?.stringValue ?? "", tags)
    }

    public func deleteModelVersionTag(model: String, version: String, key: String) async throws(MLflowError) {
        _ = try await call("DELETE", "model-versions/delete-tag", body: ["name": .string(model), "version": .string(version), "key": .string(key)])
    }

    public func setModelVersionTag(model: String, version: String, key: String, value: String) async throws(MLflowError) {
        _ = try await call("POST", "model-versions/set-tag", body: [
            "name": .string(model), "version": .string(version), "key": .string(key), "value": .string(value),
        ])
    }

    // MARK: Transport

    func call(_ method: String, _ path: String, body: JSON? = nil) async throws(MLflowError) -> JSON {
        guard let engine = Self.engine.value else {
            throw MLflowError(status: 0, code: "TRANSPORT", message: "cannot start the HTTP engine: \(Self.engine.error.map { "\($0)" } ?? "")")
        }
        var headers: [(String, String)] = [("Accept", "application/json")]
        if body != nil { headers.append(("Content-Type", "application/json")) }
        switch credentials {
        case let .token(token)?: headers.append(("Authorization", "Bearer \(token)"))
        case let .basic(username, password)?:
            headers.append(("Authorization", "Basic " + Data("\(username):\(password)".utf8).base64EncodedString()))
        case nil: break
        }
        let request = HTTPRequest(method: method, url: "\(trackingURI)/api/2.0/mlflow/\(path)", headers: headers,
                                  body: body.map { Array($0.serialized()) }, timeout: timeout)
        let response: HTTPResponse
        do {
            response = try await engine.execute(request)
        } catch {
            // A stable message (libcurl's text counts the milliseconds it waited): conditions
            // carry it, and a changing message would mean a status write per retry.
            throw MLflowError(status: 0, code: "UNREACHABLE", message: "\(trackingURI): \(Self.stable(error))")
        }
        let decoded = try? JSON.parse(response.body)
        guard (200..<300).contains(response.status) else {
            let code = decoded?["error_code"]?.stringValue ?? "HTTP_\(response.status)"
            let message = decoded?["message"]?.stringValue
                ?? String(decoding: response.body.prefix(200), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            throw MLflowError(status: response.status, code: code, message: message)
        }
        return decoded ?? [:]
    }

    static func stable(_ error: TransportError) -> String {
        switch error {
        case .connectFailed: return "cannot connect"
        case .timedOut: return "no answer within the timeout"
        case .idleTimeout: return "the connection went silent"
        case .tls: return "TLS failed"
        case .cancelled: return "cancelled"
        case .proxy: return "the proxy failed"
        case let .other(code, _): return "transport error (curl code \(code))"
        }
    }

    /// MLflow's rule for metric, param and tag keys: letters, digits, `_`, `-`, `.`, ` ` and `/`.
    /// Anything else becomes `_` (`recall@10` → `recall_10`), so one odd name a trainer reports
    /// cannot keep a whole run from being logged.
    public static func key(_ name: String) -> String {
        String(name.map { $0.isLetter || $0.isNumber || "_-. /".contains($0) ? $0 : "_" })
    }

    static func pairs(_ values: [String: String]) -> JSON {
        .array(values.keys.sorted().map { ["key": .string(key($0)), "value": .string(values[$0] ?? "")] })
    }

    static func milliseconds(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded(.down)) }

    static func queryEncoded(_ text: String) -> String { PrometheusMeasurer.percentEncoded(text) }

    /// The process's engine for MLflow, separate from the API server's and Prometheus's.
    static let engine = PrometheusMeasurer.EngineHolder()
}

/// A run as MLflow answers it: id, status and what was logged.
public struct MLflowRun: Sendable, Hashable {
    public var runID: String
    public var experimentID: String
    public var status: String
    public var metrics: [String: Double]
    public var params: [String: String]
    public var tags: [String: String]

    init?(json: JSON) {
        guard let id = json[path: ["info", "run_id"]]?.stringValue else { return nil }
        runID = id
        experimentID = json[path: ["info", "experiment_id"]]?.stringValue ?? ""
        status = json[path: ["info", "status"]]?.stringValue ?? ""
        func entries(_ key: String) -> [(String, JSON)] {
            (json[path: ["data", key]]?.arrayValue ?? []).compactMap { entry in
                guard let name = entry["key"]?.stringValue, let value = entry["value"] else { return nil }
                return (name, value)
            }
        }
        metrics = Dictionary(entries("metrics").compactMap { name, value in value.doubleValue.map { (name, $0) } }) { $1 }
        params = Dictionary(entries("params").compactMap { name, value in value.stringValue.map { (name, $0) } }) { $1 }
        tags = Dictionary(entries("tags").compactMap { name, value in value.stringValue.map { (name, $0) } }) { $1 }
    }
}

/// An MLflow call that failed: MLflow's `error_code` (or UNREACHABLE, HTTP_<status>) and message.
public struct MLflowError: Error, Sendable, CustomStringConvertible {
    public var status: Int
    public var code: String
    public var message: String

    /// Trying the same call again can succeed: MLflow unreachable, a 5xx, 408 or 429. Other
    /// answers (bad input, 401/403, a reserved alias) stay the same until someone changes
    /// something, so they are reported, not retried.
    public var isRetryable: Bool { status == 0 || status >= 500 || status == 408 || status == 429 }

    /// MLflow could not be reached or failed itself (5xx), as opposed to refusing the call.
    public var isUnavailable: Bool { code == "UNREACHABLE" || status >= 500 }

    public var description: String {
        status == 0 ? "MLflow \(code): \(message)" : "MLflow \(code) (HTTP \(status)): \(message)"
    }
}
