import Foundation
import KubeCore
import ModelOpsAPI
import ModelOpsControllers
import Testing
import TestSupport

/// Analysis against a real Prometheus scraping a real exporter. One Prometheus at a time: each
/// start costs a second or two of the machine's two cores.
@Suite("Analysis against a real Prometheus", .serialized)
struct PrometheusAnalysisTests {
    static let ratio = "model_request_error_ratio"
    static let query = #"model_request_error_ratio{version="{{version}}"}"#

    static func placeholders(_ version: String) -> QueryPlaceholders {
        QueryPlaceholders(version: version, stableVersion: "v1", model: "fraud", name: "fraud-api", namespace: "ml")
    }

    /// Starts Prometheus with v1 erring at 20% and v2 at 1%, and waits until both are queryable.
    static func withPrometheus(lookbackDelta: Duration = .seconds(300),
                               _ body: (PrometheusFixture, MetricProvider) async throws -> Void) async throws {
        try await PrometheusFixture.with(lookbackDelta: lookbackDelta) { prometheus in
            prometheus.exporter.set(ratio, labels: ["version": "v1"], 0.2)
            prometheus.exporter.set(ratio, labels: ["version": "v2"], 0.01)
            try await prometheus.waitForSample(query: #"model_request_error_ratio{version="v1"}"#)
            try await prometheus.waitForSample(query: #"model_request_error_ratio{version="v2"}"#)
            try await body(prometheus, MetricProvider(prometheus: .init(address: prometheus.address)))
        }
    }

    @Test("a query with {{version}} rendered measures that version's series")
    func rendersVersion() async throws {
        try await Self.withPrometheus { _, provider in
            let measurer = PrometheusMeasurer()
            let v2 = await measurer.measure(query: Self.placeholders("v2").render(Self.query), provider: provider, at: Date())
            #expect(v2.phase == .successful && v2.value == 0.01, "\(v2)")
            let v1 = await measurer.measure(query: Self.placeholders("v1").render(Self.query), provider: provider, at: Date())
            #expect(v1.phase == .successful && v1.value == 0.2, "\(v1)")
            let sum = await measurer.measure(query: "sum(\(Self.ratio))", provider: provider, at: Date())
            #expect(sum.value.map { abs($0 - 0.21) < 1e-9 } == true, "\(sum)")
        }
    }

    @Test("empty results are Inconclusive; bad PromQL and several series are Errors with Prometheus's words")
    func emptyAndErrors() async throws {
        try await Self.withPrometheus { prometheus, provider in
            let measurer = PrometheusMeasurer()
            let empty = await measurer.measure(query: Self.placeholders("v9").render(Self.query), provider: provider, at: Date())
            #expect(empty.phase == .inconclusive && empty.value == nil && empty.message == "the query returned no data")

            let bad = "sum(rate(\(Self.ratio)[1m])"
            let direct = try await prometheus.query(bad)
            let prometheusSays = try #require(direct["error"]?.stringValue)
            let measured = await measurer.measure(query: bad, provider: provider, at: Date())
            #expect(measured.phase == .error)
            #expect(measured.message == "Prometheus bad_data (HTTP 400): \(prometheusSays)")

            let several = await measurer.measure(query: Self.ratio, provider: provider, at: Date())
            #expect(several.phase == .error && several.message?.hasPrefix("the query returned 2 series") == true, "\(several)")
        }
    }

    @Test("a series removed from the exporter stops answering once the lookback delta has passed")
    func removedSeries() async throws {
        try await Self.withPrometheus(lookbackDelta: .seconds(5)) { prometheus, provider in
            prometheus.exporter.remove(Self.ratio, labels: ["version": "v1"])
            try await prometheus.waitForNoSample(query: #"model_request_error_ratio{version="v1"}"#)
            let gone = await PrometheusMeasurer().measure(query: Self.placeholders("v1").render(Self.query), provider: provider, at: Date())
            #expect(gone.phase == .inconclusive)
        }
    }

    @Test("evaluation time: the requested instant, or Prometheus's own now for shifted test clocks")
    func evaluationTime() async throws {
        try await Self.withPrometheus { _, provider in
            let query = Self.placeholders("v2").render(Self.query)
            let longAgo = Date().addingTimeInterval(-3 * 86400)
            let atRequested = await PrometheusMeasurer().measure(query: query, provider: provider, at: longAgo)
            #expect(atRequested.phase == .inconclusive, "no samples three days before Prometheus started")
            let atServer = await PrometheusMeasurer(timeout: .seconds(10), evaluationTime: .server)
                .measure(query: query, provider: provider, at: longAgo)
            #expect(atServer.phase == .successful && atServer.value == 0.01, "\(atServer)")
        }
    }

    @Test("the fixture's Prometheus scrapes the exporter and is gone after stop()")
    func fixtureLifecycle() async throws {
        let prometheus = try await PrometheusFixture.start()
        let pid = prometheus.prometheusPID
        #expect(kill(pid, 0) == 0, "running")
        #expect(prometheus.exporter.scrapeCount > 0)
        await prometheus.stop()
        #expect(kill(pid, 0) == -1, "no stray prometheus")
        #expect(!FileManager.default.fileExists(atPath: prometheus.dir.path))
    }

    @Test("a dead address is an Error naming the connection failure")
    func deadAddress() async throws {
        let provider = MetricProvider(prometheus: .init(address: "http://127.0.0.1:\(try PrometheusFixture.freePort())"))
        let measured = await PrometheusMeasurer(timeout: .seconds(5)).measure(query: "up", provider: provider, at: Date())
        #expect(measured.phase == .error)
        #expect(measured.message?.hasPrefix("querying Prometheus at \(provider.prometheus.address): connection failed") == true,
                "\(measured.message ?? "")")
    }

    @Test("a whole run over count=3 measurements: Successful for the good version, Failed for the bad one", arguments: [
        ("v2", AnalysisPhase.successful), ("v1", .failed),
    ])
    func fullRun(_ version: String, _ expected: AnalysisPhase) async throws {
        try await Self.withPrometheus { prometheus, provider in
            let spec = AnalysisSpec(provider: provider, interval: "1s", count: 3, failureLimit: 1, metrics: [
                AnalysisMetric(name: "error-rate", query: Self.query, successCondition: "result < 0.05"),
            ])
            let runner = AnalysisRunner(measurer: PrometheusMeasurer())
            // A second ahead: the run's start is truncated to whole seconds, and the series was
            // created moments ago, so a query at the truncated instant could precede its first sample.
            let start = Date().addingTimeInterval(1)
            var run = AnalysisRunner.start(name: "step-2", version: version, metrics: nil, spec: spec, now: start)
            var now = start
            var steps = 0
            while run.phase == .running, steps < 10 {
                try await prometheus.waitForSample(query: Self.placeholders(version).render(Self.query))
                let (next, due) = await runner.step(run, spec: spec, placeholders: Self.placeholders(version), now: now)
                run = next
                steps += 1
                if let due { now = due }
            }
            #expect(run.phase == expected, "\(run)")
            let metric = try #require(run.metrics?.first)
            if expected == .successful {
                #expect(metric.count == 3 && metric.successful == 3 && steps == 3)
                #expect(metric.measurements?.compactMap(\.value) == [0.01, 0.01, 0.01])
            } else {
                #expect(metric.count == 2 && metric.failed == 2 && steps == 2)
                #expect(run.message == #"metric error-rate: value 0.2 fails "result < 0.05" (2 failed > failureLimit 1)"#)
            }
        }
    }
}
