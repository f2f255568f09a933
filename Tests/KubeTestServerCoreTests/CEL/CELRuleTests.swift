import KubeCore
import Testing

@testable import KubeTestServerCore

/// Rules as real CRDs write them, against the objects they validate.
@Suite("CEL CRD validation rules")
struct CELRuleTests {
    static let rollout: JSON = [
        "mode": "Fast",
        "replicas": 3,
        "type": "Canary",
        "name": "my-rollout",
        "steps": [["setWeight": 10], ["pause": ["duration": "1m"]], ["setWeight": 50], ["weight": 20]],
    ]

    static let cases: [CELCase] = [
        CELCase("self.mode != 'Fast' || self.replicas >= 2", true, ["self": ["mode": "Fast", "replicas": 3]]),
        CELCase("self.mode != 'Fast' || self.replicas >= 2", false, ["self": ["mode": "Fast", "replicas": 1]]),
        CELCase("self.mode != 'Fast' || self.replicas >= 2", true, ["self": ["mode": "Slow"]]),
        CELCase(
            "!has(self.steps) || self.steps.all(s, s.weight >= 0 && s.weight <= 100)", true,
            ["self": ["steps": [["weight": 0], ["weight": 100]]]]),
        CELCase(
            "!has(self.steps) || self.steps.all(s, s.weight >= 0 && s.weight <= 100)", false,
            ["self": ["steps": [["weight": 150]]]]),
        CELCase("!has(self.steps) || self.steps.all(s, s.weight >= 0 && s.weight <= 100)", true, ["self": [:]]),
        CELCase(
            "!has(self.steps) || self.steps.all(s, s.weight >= 0 && s.weight <= 100)", error: "no such key: weight",
            ["self": ["steps": [["weight": 5], ["other": 1]]]]),
        CELCase("self == oldSelf", true, ["self": ["a": [1, 2]], "oldSelf": ["a": [1, 2]]]),
        CELCase("self == oldSelf", false, ["self": "v2", "oldSelf": "v1"]),
        CELCase("self == oldSelf", true, ["self": 1, "oldSelf": 1.0]),
        CELCase("has(self.a) != has(self.b)", true, ["self": ["a": 1]]),
        CELCase("has(self.a) != has(self.b)", false, ["self": ["a": 1, "b": 2]]),
        CELCase("has(self.a) != has(self.b)", false, ["self": [:]]),
        CELCase("self.steps.filter(s, has(s.setWeight)).map(s, s.setWeight).isSorted()", true, ["self": rollout]),
        CELCase(
            "self.steps.filter(s, has(s.setWeight)).map(s, s.setWeight).isSorted()", false,
            ["self": ["steps": [["setWeight": 50], ["setWeight": 10]]]]),
        CELCase("self.type != 'Shadow' || self.trafficRouting.type == 'GatewayAPI'", true, ["self": rollout]),
        CELCase(
            "self.type != 'Shadow' || self.trafficRouting.type == 'GatewayAPI'", true,
            ["self": ["type": "Shadow", "trafficRouting": ["type": "GatewayAPI"]]]),
        CELCase(
            "self.type != 'Shadow' || self.trafficRouting.type == 'GatewayAPI'", error: "no such key: trafficRouting",
            ["self": ["type": "Shadow"]]),
        CELCase("self.all(k, k.startsWith('x'))", true, ["self": ["x-a": "1", "x-b": "2"]]),
        CELCase("self.all(k, k.startsWith('x'))", false, ["self": ["x-a": "1", "y": "2"]]),
        CELCase("size(self.name) <= 63 && self.name.matches('^[a-z0-9-]+$')", true, ["self": rollout]),
        CELCase(
            "size(self.name) <= 63 && self.name.matches('^[a-z0-9-]+$')", false, ["self": ["name": "Bad_Name"]]),
        CELCase(
            "size(self.name) <= 63 && self.name.matches('^[a-z0-9-]+$')", false,
            ["self": ["name": .string(String(repeating: "a", count: 64))]]),
        CELCase("self.replicas <= oldSelf.replicas + 1", true, ["self": ["replicas": 3], "oldSelf": ["replicas": 2]]),
        CELCase("self.minReplicas <= self.maxReplicas", true, ["self": ["minReplicas": 1, "maxReplicas": 5]]),
        CELCase("self.x == 1.5 || self.x == 2", true, ["self": ["x": 2]]),
        CELCase("self.x * 2.0 > 3.0", error: "no such overload", ["self": ["x": 2]]),  // JSON 2 is an int
        CELCase("self.steps.exists_one(s, has(s.pause))", true, ["self": rollout]),
        CELCase("self.steps.map(s, has(s.setWeight) ? s.setWeight : 0).sum() <= 100", true, ["self": rollout]),
        CELCase("self.size() <= 3", true, ["self": ["a": 1]]),
        CELCase("self.metadata.name.startsWith('web-')", true, ["self": ["metadata": ["name": "web-1"]]]),
        CELCase("'app' in self.labels && self.labels['app'] != ''", true, ["self": ["labels": ["app": "x"]]]),
        CELCase(
            "self.containers.map(c, c.name).all(n, self.containers.exists_one(c, c.name == n))", false,
            ["self": ["containers": [["name": "a"], ["name": "a"]]]]),
        CELCase("self.?spec.?paused.orValue(false) == false", true, ["self": ["spec": [:]]]),
        CELCase(
            "duration(self.timeout) <= duration('1h')", true, ["self": ["timeout": "45m"]]),
    ]

    @Test(arguments: cases) func rule(_ c: CELCase) { check(c) }
}
