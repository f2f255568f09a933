import Foundation
import KubeCore
import ModelOpsAPI
@testable import ModelOpsControllers
import Testing
import TestSupport
@testable import modelops_playground

/// The playground's simulated Prometheus: the examples' queries get healthy answers as the
/// operator judges them, PromQL it does not cover is refused with Prometheus's error shape, and
/// the binary serves it over HTTP to curl and to Prometheus's own `promtool`.
@Suite("simulated Prometheus")
struct SimulatedPrometheusTests {
    static let time = 1_795_000_000.0
    let api = SimulatedPrometheusAPI(now: { Date(timeIntervalSince1970: SimulatedPrometheusTests.time) })

    func query(_ promql: String, time: Double? = nil) -> (status: Int, body: JSON) {
        var uri = "/api/v1/query?query=" + PrometheusMeasurerEncoding.encode(promql)
        if let time { uri += "&time=\(time)" }
        let response = api.respond(method: "GET", uri: uri, body: [])
        return (response.status, (try? JSON.parse(response.body)) ?? .null)
    }

    /// The one value of a successful instant query (a scalar, or a vector of one series).
    func value(_ promql: String, time: Double? = nil) throws -> Double {
        let (status, body) = query(promql, time: time)
        try #require(status == 200 && body["status"] == "success", "\(promql): \(body)")
        if body[path: ["data", "resultType"]] == "scalar" {
            return try #require(body[path: ["data", "result"]]?[1]?.stringValue.flatMap(Double.init), "\(body)")
        }
        let result = try #require(body[path: ["data", "result"]]?.arrayValue, "\(body)")
        try #require(result.count == 1, "\(promql): \(body)")
        return try #require(result[0]["value"]?[1]?.stringValue.flatMap(Double.init), "\(body)")
    }

    /// Every analysis metric of manifests/examples/, rendered for a candidate version as the
    /// operator renders it, measured a few simulated minutes apart and judged as the operator
    /// judges: all pass. Every metric trigger stays on the healthy side of its threshold.
    @Test("the examples' analysis queries pass their conditions and their drift triggers do not fire")
    func examplesAreHealthy() throws {
        var judged = 0
        var triggers = 0
        for file in ["modeldeployment.yaml", "end-to-end.yaml", "retrainpolicy.yaml"] {
            for object in try JSON.parseYAMLDocuments(try Repository.read("manifests/examples/\(file)")) {
                let name = object[path: ["metadata", "name"]]?.stringValue ?? ""
                let placeholders = QueryPlaceholders(version: "v8", stableVersion: "v7", model: name, name: name, namespace: "ml-serving")
                if object["kind"] == "ModelDeployment" {
                    let spec = try #require(object["spec"]).decode(as: ModelDeploymentSpec.self)
                    for metric in spec.analysis?.metrics ?? [] {
                        for minute in 0..<5 {
                            let measured = try value(placeholders.render(metric.query), time: Self.time + Double(minute) * 60)
                            let verdict = MeasurementJudge(metric: metric).judge(AnalysisMeasurement(phase: .successful, value: measured))
                            #expect(verdict.phase == .successful, "\(name)/\(metric.name) = \(measured): \(verdict.message ?? "")")
                            judged += 1
                        }
                    }
                }
                if object["kind"] == "RetrainPolicy" {
                    let spec = try #require(object["spec"]).decode(as: RetrainPolicySpec.self)
                    for trigger in spec.triggers ?? [] {
                        guard let metric = trigger.metric else { continue }
                        let measured = try value(placeholders.render(metric.query))
                        let breaching = metric.operator == .lessThan ? measured < metric.threshold : measured > metric.threshold
                        #expect(!breaching, "\(name): \(metric.query) = \(measured)")
                        triggers += 1
                    }
                }
            }
        }
        #expect(judged == 5 * 4, "the examples have four analysis metrics")
        #expect(triggers == 1, "end-to-end.yaml has one metric trigger")
    }

    @Test("measurements wobble over simulated time but ratios stay plausible")
    func wobble() throws {
        let errorRate = #"sum(rate(http_requests_total{service="s",model_version="v2",code=~"5.."}[2m])) / sum(rate(http_requests_total{service="s",model_version="v2"}[2m]))"#
        let values = try (0..<8).map { try value(errorRate, time: Self.time + Double($0) * 60) }
        #expect(Set(values).count > 1, "\(values)")
        #expect(values.allSatisfy { $0 > 0.001 && $0 < 0.005 }, "\(values)")
        let success = try value(errorRate.replacingOccurrences(of: "=~", with: "!~"))
        #expect(success > 0.99 && success < 1)
    }

    @Test("PromQL shapes: by-grouping keeps labels, histogram quantiles grow with φ, arithmetic and scalars work, raw selectors keep the name")
    func shapes() throws {
        let (_, byCode) = query(#"sum by (code) (rate(http_requests_total{service="s"}[1m]))"#)
        let codes = byCode[path: ["data", "result"]]?.arrayValue?.compactMap { $0[path: ["metric", "code"]]?.stringValue }.sorted()
        #expect(codes == ["200", "500", "503"], "\(byCode)")
        let p50 = try value(#"histogram_quantile(0.5, sum by (le) (rate(http_request_duration_seconds_bucket{service="s"}[5m])))"#)
        let p99 = try value(#"histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{service="s"}[5m])))"#)
        #expect(p50 > 0.02 && p50 < 0.05 && p99 > p50 && p99 < 0.25, "p50 \(p50) p99 \(p99)")
        #expect(try value("2 * 3 + 1") == 7)
        #expect(try value("2 ^ 3 ^ 2") == 512, "^ is right-associative")
        #expect(try value("-(1 - 3) * 2") == 4)
        let (_, scalar) = query("time()")
        #expect(scalar[path: ["data", "resultType"]] == "scalar" && scalar[path: ["data", "result"]]?[1] == "1795000000", "\(scalar)")
        let (_, raw) = query(#"up{job="model-server"}"#)
        #expect(raw[path: ["data", "result"]]?[0]?[path: ["metric", "__name__"]] == "up", "\(raw)")
        #expect(try value(#"max(feature_drift_psi{service="recommender"})"#) < 0.2)
        #expect(try value(#"increase(recommendations_served_total{model_version="v1"}[10m])"#) > 60_000)
    }

    @Test("an unknown metric has no data; bad and unsupported PromQL get Prometheus's error answers; every answer says it is simulated")
    func errors() throws {
        let (status, empty) = query(#"sum(rate(no_such_metric_total{service="x"}[1m]))"#)
        #expect(status == 200 && empty[path: ["data", "result"]] == [], "\(empty)")
        #expect(empty["warnings"]?[0]?.stringValue?.contains("simulated") == true)
        let (badStatus, bad) = query("sum(rate(http_requests_total[1m])")
        #expect(badStatus == 400 && bad["errorType"] == "bad_data", "\(bad)")
        #expect(bad["error"]?.stringValue?.contains("parse error") == true)
        let (unsupportedStatus, unsupported) = query(#"rate(http_requests_total[1m] offset 5m)"#)
        #expect(unsupportedStatus == 400 && unsupported["error"]?.stringValue?.contains("offset") == true, "\(unsupported)")
        let (rangeStatus, range) = query("http_requests_total[5m]")
        #expect(rangeStatus == 400 && range["errorType"] == "bad_data", "\(range)")
        let (missingStatus, _) = query("")
        #expect(missingStatus == 400)
        let post = api.respond(method: "POST", uri: "/api/v1/query",
                               body: Array("query=sum(up%7Bjob%3D%22model-server%22%7D)&time=1795000000".utf8))
        let posted = try JSON.parse(post.body)
        #expect(post.status == 200 && posted[path: ["data", "result"]]?[0]?["value"]?[1] == "1", "\(posted)")
        #expect(posted[path: ["data", "result"]]?[0]?["value"]?[0]?.doubleValue == 1_795_000_000, "\(posted)")
        #expect(api.respond(method: "GET", uri: "/api/v1/query_range?query=up", body: []).status == 404)
    }

    @Test("the binary serves it: curl GET and POST, and promtool query instant, get healthy answers labelled simulated")
    func servedByTheBinary() async throws {
        let dir = try Repository.temporaryDirectory()
        let playground = try OperatorProcess.playground(["--no-operator", "--no-simulator",
                                                         "--kubeconfig", dir.appendingPathComponent("kubeconfig").path])
        do {
            let line = try await playground.waitForLine("simulated Prometheus: http://127.0.0.1:")
            let url = try #require(line.split(separator: " ").first { $0.hasPrefix("http://") }.map(String.init))
            let errorRate = #"sum(rate(http_requests_total{service="fraud-detector",model_version="v8",code=~"5.."}[2m])) / sum(rate(http_requests_total{service="fraud-detector",model_version="v8"}[2m]))"#
            for method in ["-G", "-XPOST"] {
                let out = try await Command.run(TestCluster.curlPath, ["-sS", "-i", method, "\(url)/api/v1/query", "--data-urlencode", "query=\(errorRate)"])
                #expect(out.status == 0 && out.stdout.contains("X-Simulated-By: modelops-playground"), "\(out)")
                let body = try #require(out.stdout.range(of: "\r\n\r\n").map { String(out.stdout[$0.upperBound...]) })
                let answer = try JSON.parse(body)
                #expect(answer["status"] == "success" && answer[path: ["data", "resultType"]] == "vector", "\(answer)")
                let value = answer[path: ["data", "result"]]?[0]?["value"]?[1]?.stringValue.flatMap(Double.init)
                #expect(value.map { $0 > 0 && $0 < 0.01 } == true, "\(answer)")
                #expect(answer["warnings"]?[0]?.stringValue?.contains("not a real Prometheus") == true)
            }
            let promtool = try await Command.run(Command.which("promtool") ?? "/usr/bin/promtool", ["query", "instant", url, errorRate])
            #expect(promtool.status == 0, "\(promtool)")
            let printed = promtool.stdout.components(separatedBy: "=> ").last?.split(separator: " ").first.flatMap { Double($0) }
            #expect(printed.map { $0 > 0 && $0 < 0.01 } == true, "\(promtool)")
            #expect(try await playground.terminate() == 0, "\(playground.log)")
        } catch {
            playground.kill()
            throw error
        }
    }
}

/// Query encoding as the operator's measurer does it (unreserved characters kept, all else %XX).
enum PrometheusMeasurerEncoding {
    static func encode(_ text: String) -> String {
        PrometheusMeasurer.percentEncoded(text)
    }
}
