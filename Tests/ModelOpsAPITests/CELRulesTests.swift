import KubeCore
import Testing

/// The CEL rules of the API, verbatim, with where they sit. The CEL engine (KubeTestServerCore)
/// must support every one of them; this table is the list to check it against, and a rule
/// change shows up here as a deliberate edit.
@Suite("CEL rules in the CRDs")
struct CELRulesTests {
    struct Rule: Equatable, CustomStringConvertible {
        var kind: String
        var path: String
        var rule: String
        var message: String
        var fieldPath: String?
        var description: String { "\(kind) \(path): \(rule)" }
    }

    static let expected: [Rule] = [
        Rule(kind: "ModelDeployment", path: "spec",
             rule: "!has(self.strategy) || self.strategy.type != 'Shadow' || (has(self.trafficRouting) && self.trafficRouting.type == 'GatewayAPI')",
             message: "the Shadow strategy mirrors traffic through an HTTPRoute: set trafficRouting.type to GatewayAPI",
             fieldPath: ".trafficRouting"),
        Rule(kind: "ModelDeployment", path: "spec",
             rule: "!has(self.strategy) || !has(self.strategy.canary) || !has(self.strategy.canary.steps) || !self.strategy.canary.steps.exists(s, has(s.analysis)) || has(self.analysis)",
             message: "analysis steps need spec.analysis (provider and metrics)",
             fieldPath: ".analysis"),
        Rule(kind: "ModelDeployment", path: "spec",
             rule: "!has(self.strategy) || !has(self.strategy.canary) || !has(self.strategy.canary.steps) || self.strategy.canary.steps.all(s, !has(s.analysis) || !has(s.analysis.metrics) || s.analysis.metrics.all(m, has(self.analysis) && self.analysis.metrics.exists(x, x.name == m)))",
             message: "analysis steps may only name metrics defined in spec.analysis.metrics",
             fieldPath: ".strategy.canary.steps"),
        Rule(kind: "ModelDeployment", path: "spec.model",
             rule: "has(self.fromPolicy) || has(self.registry) || (has(self.name) && has(self.version) && has(self.uri))",
             message: "set name, version and uri (a pinned model), fromPolicy (follow a RetrainPolicy) or registry (follow a registry alias)"),
        Rule(kind: "ModelDeployment", path: "spec.model",
             rule: "!has(self.fromPolicy) || !(has(self.name) || has(self.version) || has(self.uri))",
             message: "fromPolicy cannot be combined with name, version or uri"),
        Rule(kind: "ModelDeployment", path: "spec.model",
             rule: "!has(self.registry) || !(has(self.name) || has(self.version) || has(self.uri) || has(self.fromPolicy))",
             message: "registry cannot be combined with name, version, uri or fromPolicy"),
        Rule(kind: "ModelDeployment", path: "spec.strategy",
             rule: "(self.type == 'Canary' || !has(self.canary)) && (self.type == 'BlueGreen' || !has(self.blueGreen)) && (self.type == 'Shadow' || !has(self.shadow))",
             message: "set only the settings block that matches strategy.type (canary, blueGreen or shadow)"),
        Rule(kind: "ModelDeployment", path: "spec.strategy",
             rule: "self.type != 'Shadow' || has(self.shadow)",
             message: "strategy.shadow (mirrorPercent) is required for the Shadow strategy",
             fieldPath: ".shadow"),
        Rule(kind: "ModelDeployment", path: "spec.strategy.canary.steps",
             rule: "self.filter(s, has(s.setWeight)).map(s, s.setWeight).isSorted()",
             message: "setWeight must not decrease from one step to the next"),
        Rule(kind: "ModelDeployment", path: "spec.strategy.canary.steps[]",
             rule: "has(self.setWeight) ? !has(self.pause) && !has(self.analysis) : has(self.pause) != has(self.analysis)",
             message: "a step sets exactly one of setWeight, pause or analysis"),
        Rule(kind: "ModelDeployment", path: "spec.trafficRouting",
             rule: "self.type != 'GatewayAPI' || has(self.gatewayAPI)",
             message: "trafficRouting.gatewayAPI is required when type is GatewayAPI",
             fieldPath: ".gatewayAPI"),
        // The HTTPRoute CRD's own parentRefs rules (Gateway API v1.2–v1.6), without group/kind,
        // which the operator never sets: a ModelDeployment the route would refuse is refused here.
        Rule(kind: "ModelDeployment", path: "spec.trafficRouting.gatewayAPI.parentRefs",
             rule: "self.all(p1, self.all(p2, p1.name == p2.name && (((!has(p1.__namespace__) || p1.__namespace__ == '') && (!has(p2.__namespace__) || p2.__namespace__ == '')) || (has(p1.__namespace__) && has(p2.__namespace__) && p1.__namespace__ == p2.__namespace__)) ? ((!has(p1.sectionName) || p1.sectionName == '') == (!has(p2.sectionName) || p2.sectionName == '')) : true))",
             message: "sectionName must be specified when parentRefs includes 2 or more references to the same parent"),
        Rule(kind: "ModelDeployment", path: "spec.trafficRouting.gatewayAPI.parentRefs",
             rule: "self.all(p1, self.exists_one(p2, p1.name == p2.name && (((!has(p1.__namespace__) || p1.__namespace__ == '') && (!has(p2.__namespace__) || p2.__namespace__ == '')) || (has(p1.__namespace__) && has(p2.__namespace__) && p1.__namespace__ == p2.__namespace__)) && (((!has(p1.sectionName) || p1.sectionName == '') && (!has(p2.sectionName) || p2.sectionName == '')) || (has(p1.sectionName) && has(p2.sectionName) && p1.sectionName == p2.sectionName))))",
             message: "sectionName must be unique when parentRefs includes 2 or more references to the same parent"),
        Rule(kind: "ModelDeployment", path: "spec.analysis.metrics[]",
             rule: "has(self.successCondition) || has(self.thresholdRange)",
             message: "a metric needs successCondition or thresholdRange to judge its measurements"),
        Rule(kind: "ModelDeployment", path: "spec.analysis.metrics[].thresholdRange",
             rule: "has(self.min) || has(self.max)",
             message: "thresholdRange needs min, max or both"),
        Rule(kind: "ModelDeployment", path: "spec.analysis.metrics[].thresholdRange",
             rule: "!has(self.min) || !has(self.max) || self.min <= self.max",
             message: "thresholdRange.min must not exceed max"),
        Rule(kind: "TrainingJob", path: "spec",
             rule: "self == oldSelf",
             message: "spec is immutable: a TrainingJob runs once; create a new TrainingJob to train again"),
        Rule(kind: "TrainingJob", path: "spec.validation.gates[]",
             rule: "has(self.min) || has(self.max)",
             message: "a gate needs min, max or both"),
        Rule(kind: "RetrainPolicy", path: "spec.triggers[]",
             rule: "self.type == 'Metric' ? has(self.metric) && !has(self.dataVersion) : has(self.dataVersion) && !has(self.metric)",
             message: "a Metric trigger sets metric, a DataVersion trigger sets dataVersion (and only that)"),
        Rule(kind: "RetrainPolicy", path: "spec.trainingJobTemplate.spec.validation.gates[]",
             rule: "has(self.min) || has(self.max)",
             message: "a gate needs min, max or both"),
        Rule(kind: "RetrainPolicy", path: "spec.registry.mlflow",
             rule: "!has(self.servedAlias) || self.servedAlias != self.alias",
             message: "servedAlias must differ from alias", fieldPath: ".servedAlias"),
    ]

    static func rules(kind: String) -> [Rule] {
        var found: [Rule] = []
        func walk(_ schema: JSON, _ path: String) {
            for rule in schema["x-kubernetes-validations"]?.arrayValue ?? [] {
                found.append(Rule(
                    kind: kind, path: path, rule: rule["rule"]?.stringValue ?? "",
                    message: rule["message"]?.stringValue ?? "", fieldPath: rule["fieldPath"]?.stringValue))
            }
            for (name, child) in (schema["properties"]?.objectValue ?? [:]).sorted(by: { $0.key < $1.key }) {
                walk(child, path.isEmpty ? name : "\(path).\(name)")
            }
            if let items = schema["items"] { walk(items, path + "[]") }
        }
        walk(CRDs.schema(kind: kind), "")
        return found
    }

    @Test func theRulesAreTheListedOnes() {
        let found = ["ModelDeployment", "TrainingJob", "RetrainPolicy"].flatMap(Self.rules(kind:))
        let key = { (r: Rule) in "\(r.kind) \(r.path) \(r.rule)" }
        #expect(found.sorted { key($0) < key($1) } == Self.expected.sorted { key($0) < key($1) })
    }

    /// Every rule names a message (a bare "failed rule" teaches nobody), and transition rules
    /// (oldSelf) are only the immutability rule.
    @Test func everyRuleHasAMessage() {
        for rule in Self.expected {
            #expect(!rule.message.isEmpty, "\(rule)")
            #expect(!rule.rule.contains("oldSelf") || rule.rule == "self == oldSelf", "\(rule)")
        }
    }

    /// Real API servers reject rules whose estimated cost is unbounded: every list a rule
    /// iterates has maxItems.
    @Test func iteratedListsAreBounded() {
        let md = CRDs.schema(kind: "ModelDeployment")
        for path in [
            ["spec", "strategy", "canary", "steps"],
            ["spec", "analysis", "metrics"],
            ["spec", "strategy", "canary", "steps", "[]", "analysis", "metrics"],
        ] {
            var node: JSON? = md
            for part in path { node = part == "[]" ? node?["items"] : node?["properties"]?[part] }
            #expect(node?["maxItems"]?.intValue != nil, "\(path.joined(separator: ".")) has no maxItems")
        }
    }
}
