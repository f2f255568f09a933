import Foundation
import KubeCore
import ModelOpsAPI
import Testing
@testable import ModelOpsControllers

@Suite("Analysis runner verdicts")
struct AnalysisRunnerTests {
    static let t0 = Date(timeIntervalSince1970: 1_795_000_000)
    static let placeholders = QueryPlaceholders(version: "v2", stableVersion: "v1", model: "fraud", name: "fraud-api", namespace: "ml")
    static let errorQuery = #"error_ratio{version="{{version}}"}"#
    static let renderedErrorQuery = #"error_ratio{version="v2"}"#

    static func spec(count: Int? = 3, interval: String? = "1m", failureLimit: Int? = nil, inconclusiveLimit: Int? = nil,
                     minSamples: Int? = nil, metrics: [AnalysisMetric]? = nil) -> AnalysisSpec {
        AnalysisSpec(provider: MetricProvider(prometheus: .init(address: "http://prometheus:9090")), interval: interval, count: count,
                     failureLimit: failureLimit, inconclusiveLimit: inconclusiveLimit, minSamples: minSamples,
                     metrics: metrics ?? [AnalysisMetric(name: "error-rate", query: errorQuery, successCondition: "result < 0.05")])
    }

    /// Steps the run at each due time until it ends (or `limit` steps), returning the last result.
    static func runToEnd(_ runner: AnalysisRunner, spec: AnalysisSpec, limit: Int = 50) async -> (AnalysisRunStatus, [Date]) {
        var run = AnalysisRunner.start(name: "step-2", version: "v2", metrics: nil, spec: spec, now: t0)
        var now = t0
        var dues: [Date] = []
        for _ in 0..<limit {
            let (next, due) = await runner.step(run, spec: spec, placeholders: placeholders, now: now)
            run = next
            guard let due else { break }
            dues.append(due)
            now = due
        }
        return (run, dues)
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var spec: AnalysisSpec
        var answers: [ScriptedMeasurer.Answer]
        var phase: AnalysisPhase
        var message: String
        var measured: Int
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "every measurement passes: Successful after count", spec: spec(),
             answers: [.value(0.01), .value(0.02), .value(0)], phase: .successful,
             message: "metric error-rate: 3 of 3 measurements successful", measured: 3),
        Case(name: "failures beyond failureLimit fail the metric, naming value and condition", spec: spec(count: 5, failureLimit: 1),
             answers: [.value(0.01), .value(0.08), .value(0.02), .value(0.09)], phase: .failed,
             message: #"metric error-rate: value 0.09 fails "result < 0.05" (2 failed > failureLimit 1)"#, measured: 4),
        Case(name: "a failure within failureLimit still counts as data", spec: spec(failureLimit: 1),
             answers: [.value(0.08), .value(0.01), .value(0.01)], phase: .successful,
             message: "metric error-rate: 2 of 3 measurements successful", measured: 3),
        Case(name: "no data is Inconclusive at once by default", spec: spec(),
             answers: [.value(0.01), .noData], phase: .inconclusive,
             message: "metric error-rate: 1 of 2 measurements had no data (> inconclusiveLimit 0): the query returned no data", measured: 2),
        Case(name: "no data is never a success, even when tolerated and without criteria",
             spec: spec(inconclusiveLimit: 5, metrics: [AnalysisMetric(name: "traffic", query: "up")]),
             answers: [.noData, .noData, .noData], phase: .inconclusive,
             message: "metric traffic: only 0 of 3 measurements had data, minSamples is 3", measured: 3),
        Case(name: "minSamples met despite tolerated gaps", spec: spec(count: 4, inconclusiveLimit: 2, minSamples: 3),
             answers: [.value(0.01), .noData, .value(0.01), .value(0.01)], phase: .successful,
             message: "metric error-rate: 3 of 4 measurements successful", measured: 4),
        Case(name: "minSamples missed: Inconclusive saying how many had data", spec: spec(count: 4, inconclusiveLimit: 2, minSamples: 3),
             answers: [.value(0.01), .noData, .noData, .value(0.01)], phase: .inconclusive,
             message: "metric error-rate: only 2 of 4 measurements had data, minSamples is 3", measured: 4),
        Case(name: "errors beyond failureLimit + 3 end the metric in Error with the provider's message", spec: spec(count: 10),
             answers: [.error("e1"), .value(0.01), .error("e2"), .error("e3"), .error("Prometheus bad_data (HTTP 400): parse error")],
             phase: .error,
             message: "metric error-rate: 4 measurements could not be taken (> failureLimit 0 + 3): Prometheus bad_data (HTTP 400): parse error",
             measured: 5),
        Case(name: "tolerated errors leave too few samples: Inconclusive", spec: spec(count: 3),
             answers: [.error("timeout"), .value(0.01), .value(0.01)], phase: .inconclusive,
             message: "metric error-rate: only 2 of 3 measurements had data, minSamples is 3 (1 could not be taken)", measured: 3),
        Case(name: "thresholdRange: both bounds must hold",
             spec: spec(metrics: [AnalysisMetric(name: "accuracy", query: "acc", thresholdRange: .init(min: 0.9, max: 1))]),
             answers: [.value(0.95), .value(0.85)], phase: .failed,
             message: "metric accuracy: value 0.85 fails thresholdRange min 0.9 (1 failed > failureLimit 0)", measured: 2),
        Case(name: "condition and thresholdRange together: the message names every criterion missed",
             spec: spec(metrics: [AnalysisMetric(name: "latency", query: "p99", successCondition: "result < 300",
                                                 thresholdRange: .init(max: 250))]),
             answers: [.value(200), .value(400)], phase: .failed,
             message: #"metric latency: value 400 fails "result < 300" and thresholdRange max 250 (1 failed > failureLimit 0)"#, measured: 2),
        Case(name: "a condition that does not parse makes error measurements with the parser's message",
             spec: spec(count: 5, metrics: [AnalysisMetric(name: "bad", query: "q", successCondition: "result =< 1")]),
             answers: Array(repeating: .value(0.5), count: 5), phase: .error,
             message: #"metric bad: 4 measurements could not be taken (> failureLimit 0 + 3): successCondition "result =< 1": "=" at column 8 is not an operator; compare with "==""#,
             measured: 4),
    ]

    @Test("verdict table", arguments: cases)
    func verdicts(_ c: Case) async throws {
        let query = Self.placeholders.render(c.spec.metrics[0].query)
        let measurer = ScriptedMeasurer([query: c.answers])
        let (run, _) = await Self.runToEnd(AnalysisRunner(measurer: measurer), spec: c.spec)
        #expect(run.phase == c.phase)
        #expect(run.message == c.message)
        #expect(run.finishedAt != nil)
        let metric = try #require(run.metrics?.first)
        #expect(metric.phase == c.phase)
        #expect(metric.count == c.measured)
        #expect(measurer.calls.count == c.measured, "stops measuring once the verdict is reached")
        let counts = (metric.successful ?? 0) + (metric.failed ?? 0) + (metric.inconclusive ?? 0) + (metric.errors ?? 0)
        #expect(counts == c.measured)
    }

    @Test("measurements fall due every interval from the run's start; nothing is measured early")
    func dueTimes() async {
        let measurer = ScriptedMeasurer([Self.renderedErrorQuery: [.value(0.01), .value(0.01), .value(0.01)]])
        let runner = AnalysisRunner(measurer: measurer)
        let spec = Self.spec(interval: "1m30s")
        let t0 = Self.t0
        var run = AnalysisRunner.start(name: "step-2", version: "v2", metrics: nil, spec: spec, now: t0)
        #expect(run.phase == .running && run.startedAt == KubeTime(t0) && run.metrics?.map(\.count) == [0])

        var (next, due) = await runner.step(run, spec: spec, placeholders: Self.placeholders, now: t0)
        #expect(next.metrics?.first?.count == 1 && due == t0.addingTimeInterval(90))
        run = next
        (next, due) = await runner.step(run, spec: spec, placeholders: Self.placeholders, now: t0.addingTimeInterval(89))
        #expect(next == run && due == t0.addingTimeInterval(90), "not due yet: no measurement, same due time")
        (next, due) = await runner.step(next, spec: spec, placeholders: Self.placeholders, now: t0.addingTimeInterval(95))
        #expect(next.metrics?.first?.count == 2 && due == t0.addingTimeInterval(180), "due times do not drift with late steps")
        (next, due) = await runner.step(next, spec: spec, placeholders: Self.placeholders, now: t0.addingTimeInterval(180))
        #expect(next.phase == .successful && due == nil && next.finishedAt == KubeTime(t0.addingTimeInterval(180)))
        #expect(measurer.calls.map(\.time) == [t0, t0.addingTimeInterval(95), t0.addingTimeInterval(180)],
                "each evaluated at the instant it was taken")
        #expect(measurer.calls.allSatisfy { $0.query == Self.renderedErrorQuery }, "placeholders rendered")
        #expect(next.metrics?.first?.measurements?.map(\.startedAt) == [KubeTime(t0), KubeTime(t0.addingTimeInterval(90)), KubeTime(t0.addingTimeInterval(180))])

        let again = await runner.step(next, spec: spec, placeholders: Self.placeholders, now: t0.addingTimeInterval(999))
        #expect(again.run == next && again.nextDue == nil && measurer.calls.count == 3, "a finished run is left alone")
    }

    @Test("measurements missed while the operator was away are all taken, each missed one at its own due time")
    func catchUp() async {
        let measurer = ScriptedMeasurer([Self.renderedErrorQuery: [.value(0.01), .value(0.01), .value(0.01)]])
        let spec = Self.spec()
        let run = AnalysisRunner.start(name: "bake", version: "v2", metrics: nil, spec: spec, now: Self.t0)
        let (done, due) = await AnalysisRunner(measurer: measurer).step(run, spec: spec, placeholders: Self.placeholders,
                                                                         now: Self.t0.addingTimeInterval(150))
        #expect(done.phase == .successful && due == nil)
        #expect(measurer.calls.map(\.time) == [Self.t0, Self.t0.addingTimeInterval(60), Self.t0.addingTimeInterval(150)],
                "the last one, due at +120 s, is taken now")
    }

    /// The CI failure of `RolloutActionTests`: everything from the exporter's first v2 sample to the
    /// analysis happened within 15:01:13, status keeps the run's start as 15:01:13, and the first
    /// query was evaluated at 15:01:13.000, before any v2 sample: "no data", Inconclusive, in the
    /// middle of a passing canary.
    @Test("a run started mid-second is first measured at the instant it starts, not at its whole-second startedAt")
    func subSecondStart() async {
        let measurer = ScriptedMeasurer([Self.renderedErrorQuery: [.value(0.01), .value(0.01)]])
        let runner = AnalysisRunner(measurer: measurer)
        let spec = Self.spec(count: 2, interval: "1s")
        let start = Self.t0.addingTimeInterval(0.6)
        let run = AnalysisRunner.start(name: "step-1", version: "v2", metrics: nil, spec: spec, now: start)
        #expect(run.startedAt == KubeTime(Self.t0), "status keeps whole seconds")
        let (next, due) = await runner.step(run, spec: spec, placeholders: Self.placeholders, now: start)
        #expect(measurer.calls.map(\.time) == [start])
        #expect(due == Self.t0.addingTimeInterval(1), "the next one stays on the interval grid")
        _ = await runner.step(next, spec: spec, placeholders: Self.placeholders, now: Self.t0.addingTimeInterval(1.2))
        #expect(measurer.calls.map(\.time) == [start, Self.t0.addingTimeInterval(1.2)])
    }

    @Test("the run fails on one failing metric and names only that one; next due is the earliest running metric")
    func twoMetrics() async throws {
        let spec = Self.spec(count: 3, metrics: [
            AnalysisMetric(name: "error-rate", query: Self.errorQuery, successCondition: "result < 0.05"),
            AnalysisMetric(name: "latency", query: "p99{version=\"{{version}}\"}", successCondition: "result <= 250"),
        ])
        let measurer = ScriptedMeasurer([Self.renderedErrorQuery: [.value(0.01), .value(0.01)],
                                         "p99{version=\"v2\"}": [.value(100), .value(300)]])
        let (run, dues) = await Self.runToEnd(AnalysisRunner(measurer: measurer), spec: spec)
        #expect(dues == [Self.t0.addingTimeInterval(60)])
        #expect(run.phase == .failed)
        #expect(run.message == #"metric latency: value 300 fails "result <= 250" (1 failed > failureLimit 0)"#)
        #expect(run.metrics?.map(\.phase) == [.running, .failed])
    }

    @Test("an inconclusive metric makes the run Inconclusive; a later failure elsewhere would win over it")
    func phasePriority() {
        func result(_ name: String, _ phase: AnalysisPhase) -> AnalysisRunStatus.MetricResult {
            AnalysisRunStatus.MetricResult(name: name, phase: phase)
        }
        #expect(AnalysisRunner.runPhase([result("a", .inconclusive), result("b", .running)]) == .inconclusive)
        #expect(AnalysisRunner.runPhase([result("a", .inconclusive), result("b", .failed)]) == .failed)
        #expect(AnalysisRunner.runPhase([result("a", .error), result("b", .inconclusive)]) == .inconclusive)
        #expect(AnalysisRunner.runPhase([result("a", .error), result("b", .successful)]) == .error)
        #expect(AnalysisRunner.runPhase([result("a", .successful), result("b", .running)]) == .running)
        #expect(AnalysisRunner.runPhase([result("a", .successful), result("b", .successful)]) == .successful)
    }

    @Test("start: nil selects every metric in order; unknown names or unusable settings give an Error run naming them")
    func startProblems() {
        let spec = Self.spec(metrics: [AnalysisMetric(name: "a", query: "qa"), AnalysisMetric(name: "b", query: "qb")])
        #expect(AnalysisRunner.start(name: "s", version: "v2", metrics: nil, spec: spec, now: Self.t0).metrics?.map(\.name) == ["a", "b"])
        #expect(AnalysisRunner.start(name: "s", version: "v2", metrics: ["b", "b"], spec: spec, now: Self.t0).metrics?.map(\.name) == ["b"])

        let unknown = AnalysisRunner.start(name: "s", version: "v2", metrics: ["a", "c", "d"], spec: spec, now: Self.t0)
        #expect(unknown.phase == .error && unknown.finishedAt == KubeTime(Self.t0))
        #expect(unknown.message == #"unknown metrics "c", "d"; spec.analysis.metrics has "a", "b""#)

        for (bad, message) in [
            (Self.spec(interval: "1d"), #"spec.analysis.interval: time: unknown unit "d" in duration "1d""#),
            (Self.spec(interval: "0s"), #"spec.analysis.interval: must be positive, got "0s""#),
            (Self.spec(count: 0), "spec.analysis.count: must be at least 1, got 0"),
            (Self.spec(count: 3, minSamples: 4), "spec.analysis.minSamples: must be between 0 and count (3), got 4"),
        ] {
            let run = AnalysisRunner.start(name: "s", version: "v2", metrics: nil, spec: bad, now: Self.t0)
            #expect(run.phase == .error && run.message == message)
        }
    }

    @Test("a metric removed from the spec mid-run ends the run in Error")
    func metricRemovedFromSpec() async {
        let spec = Self.spec()
        let run = AnalysisRunner.start(name: "s", version: "v2", metrics: nil, spec: spec, now: Self.t0)
        var changed = spec
        changed.metrics = [AnalysisMetric(name: "other", query: "q")]
        let (after, due) = await AnalysisRunner(measurer: ScriptedMeasurer([:])).step(run, spec: changed, placeholders: Self.placeholders, now: Self.t0)
        #expect(after.phase == .error && due == nil && after.message == #""error-rate" no longer in spec.analysis.metrics"#)
    }

    @Test("the status keeps the last 10 measurements and the full counts")
    func trimsMeasurements() async throws {
        let answers = (0..<12).map { ScriptedMeasurer.Answer.value(Double($0) / 1000) }
        let (run, _) = await Self.runToEnd(AnalysisRunner(measurer: ScriptedMeasurer([Self.renderedErrorQuery: answers])),
                                           spec: Self.spec(count: 12))
        let metric = try #require(run.metrics?.first)
        #expect(run.phase == .successful && metric.count == 12 && metric.successful == 12)
        #expect(metric.measurements?.map(\.value) == (2..<12).map { Double($0) / 1000 })
    }
}
