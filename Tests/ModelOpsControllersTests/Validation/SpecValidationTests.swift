import KubeCore
import ModelOpsAPI
import Testing
@testable import ModelOpsControllers

@Suite("Spec validation the schema cannot do")
struct SpecValidationTests {
    @Test(arguments: [
        ("30s", Duration.seconds(30)), ("1h30m", .seconds(5400)), ("1.5h", .seconds(5400)), ("300ms", .milliseconds(300)),
        ("0", .zero), ("2h45m10.5s", .seconds(9910.5)), ("-5m", .seconds(-300)), ("10us", .microseconds(10)),
    ])
    func goDurations(_ text: String, _ expected: Duration) throws {
        #expect(try GoDuration.parse(text) == expected)
    }

    @Test(arguments: [
        ("", "time: invalid duration \"\""), ("10", "time: missing unit in duration \"10\""),
        ("1d", "time: unknown unit \"d\" in duration \"1d\""), ("abc", "time: invalid duration \"abc\""), (".s", "time: invalid duration \".s\""),
    ])
    func badGoDurations(_ text: String, _ message: String) {
        #expect(throws: GoDuration.ParseError(message: message)) { try GoDuration.parse(text) }
    }

    func policy(schedule: String = "0 2 * * *", timeZone: String? = nil, cooldown: String? = nil, query: String = "avg(drift)",
                window: String? = "10m") throws -> RetrainPolicySpec {
        var json: JSON = [
            "modelDeploymentRef": ["name": "fraud"], "schedule": .string(schedule),
            "trainingJobTemplate": ["spec": ["model": ["name": "fraud"], "outputURI": "s3://m/", "dataset": ["uri": "s3://d/", "version": "1"],
                                             "template": ["spec": ["containers": [["name": "t", "image": "t:1"]]]]]],
            "triggers": [["type": "Metric", "metric": ["query": .string(query), "threshold": 0.2]]],
        ]
        if let timeZone { json["timeZone"] = .string(timeZone) }
        if let cooldown { json["cooldown"] = .string(cooldown) }
        if let window { json[path: ["triggers"]] = [["type": "Metric", "metric": ["query": .string(query), "threshold": 0.2, "for": .string(window)]]] }
        return try json.decode(as: RetrainPolicySpec.self)
    }

    @Test("a valid policy has no problems")
    func validPolicy() throws {
        #expect(SpecValidation.validate(try policy(timeZone: "Europe/Berlin", cooldown: "6h")) == [])
    }

    @Test("each problem names its field")
    func policyProblems() throws {
        #expect(SpecValidation.validate(try policy(schedule: "61 * * * *")).map(\.field) == ["spec.schedule"])
        #expect(SpecValidation.validate(try policy(timeZone: "Mars/Olympus")) == [SpecProblem(field: "spec.timeZone", message: "unknown time zone \"Mars/Olympus\"")])
        #expect(SpecValidation.validate(try policy(cooldown: "1d")).map(\.field) == ["spec.cooldown"])
        #expect(SpecValidation.validate(try policy(query: "  ")) == [SpecProblem(field: "spec.triggers[0].metric.query", message: "Prometheus query must not be empty")])
        #expect(SpecValidation.validate(try policy(window: "ten minutes")).map(\.field) == ["spec.triggers[0].metric.for"])
        let message = SpecValidation.message(SpecValidation.validate(try policy(schedule: "* * *", cooldown: "x")))
        #expect(message.contains("spec.schedule") && message.contains("spec.cooldown"))
    }

    @Test("ModelDeployment: pause durations, analysis interval, queries and provider URL")
    func deploymentProblems() throws {
        let spec = try JSON.object([
            "model": ["name": "m", "version": "v1", "uri": "s3://m/v1"],
            "template": ["spec": ["containers": [["name": "s", "image": "s:1"]]]],
            "strategy": ["type": "Canary", "canary": ["steps": [["setWeight": 10], ["pause": ["duration": "5 minutes"]], ["pause": [:]]]]],
            "analysis": ["provider": ["prometheus": ["address": "prometheus:9090"]], "interval": "0s",
                         "metrics": [["name": "errors", "query": "", "thresholdRange": ["max": 0.01]]]],
        ]).decode(as: ModelDeploymentSpec.self)
        let fields = SpecValidation.validate(spec).map(\.field)
        #expect(fields == ["spec.strategy.canary.steps[1].pause.duration", "spec.analysis.provider.prometheus.address",
                           "spec.analysis.interval", "spec.analysis.metrics[0].query"])
    }
}
