import KubeCore
import Testing

@Suite("CRD definitions")
struct CRDTests {
    struct Expected: Sendable, CustomStringConvertible {
        var kind: String
        var plural: String
        var singular: String
        var shortName: String
        var columns: [(name: String, type: String, jsonPath: String)]
        var description: String { kind }
    }

    static let expected: [Expected] = [
        Expected(kind: "ModelDeployment", plural: "modeldeployments", singular: "modeldeployment", shortName: "mdep", columns: [
            ("Stable", "string", ".status.stable.version"),
            ("Canary", "string", ".status.canary.version"),
            ("Weight", "integer", ".status.canary.weight"),
            ("Phase", "string", ".status.phase"),
            ("Ready", "string", #".status.conditions[?(@.type=="Ready")].status"#),
            ("Age", "date", ".metadata.creationTimestamp"),
            ("Message", "string", ".status.message"),
        ]),
        Expected(kind: "TrainingJob", plural: "trainingjobs", singular: "trainingjob", shortName: "tj", columns: [
            ("Model", "string", ".spec.model.name"),
            ("Version", "string", ".status.model.version"),
            ("Phase", "string", ".status.phase"),
            ("Metric", "string", ".status.headlineMetric"),
            ("Validated", "string", #".status.conditions[?(@.type=="Validated")].status"#),
            ("Age", "date", ".metadata.creationTimestamp"),
            ("Job", "string", ".status.jobName"),
        ]),
        Expected(kind: "RetrainPolicy", plural: "retrainpolicies", singular: "retrainpolicy", shortName: "rtp", columns: [
            ("Schedule", "string", ".spec.schedule"),
            ("Suspend", "boolean", ".spec.suspend"),
            ("Active", "integer", ".status.activeCount"),
            ("Last Trigger", "date", ".status.lastTrigger.time"),
            ("Promoted", "string", ".status.promoted.version"),
            ("Age", "date", ".metadata.creationTimestamp"),
            ("Trigger", "string", ".status.lastTrigger.type"),
        ]),
    ]

    @Test(arguments: expected)
    func namesScopeAndVersion(_ expected: Expected) throws {
        let entry = try #require(CRDs.entry(kind: expected.kind))
        let crd = entry.crd
        #expect(crd["apiVersion"] == "apiextensions.k8s.io/v1")
        #expect(crd["kind"] == "CustomResourceDefinition")
        #expect(crd[path: ["metadata", "name"]] == .string("\(expected.plural).modelops.io"))
        #expect(entry.file == "modelops.io_\(expected.plural).yaml")
        #expect(crd[path: ["spec", "group"]] == "modelops.io")
        #expect(crd[path: ["spec", "scope"]] == "Namespaced")
        let names = try #require(crd[path: ["spec", "names"]])
        #expect(names["plural"] == .string(expected.plural))
        #expect(names["singular"] == .string(expected.singular))
        #expect(names["listKind"] == .string(expected.kind + "List"))
        #expect(names["shortNames"] == [.string(expected.shortName)])
        #expect(names["categories"] == ["modelops"])
        #expect(crd[path: ["spec", "versions"]]?.arrayValue?.count == 1)
        #expect(entry.version["name"] == "v1alpha1")
        #expect(entry.version["served"] == true)
        #expect(entry.version["storage"] == true)
        #expect(entry.version["subresources"] == ["status": [:]])
    }

    @Test(arguments: expected)
    func printerColumns(_ expected: Expected) throws {
        let entry = try #require(CRDs.entry(kind: expected.kind))
        let columns = try #require(entry.version["additionalPrinterColumns"]?.arrayValue)
        #expect(columns.count == expected.columns.count)
        for (column, want) in zip(columns, expected.columns) {
            #expect(column["name"] == .string(want.name))
            #expect(column["type"] == .string(want.type))
            #expect(column["jsonPath"] == .string(want.jsonPath))
            #expect(column["description"]?.stringValue?.isEmpty == false)
        }
        // Only the trailing detail column is wide-only; Age is declared (no automatic Age for CRDs
        // that declare columns).
        #expect(columns.filter { ($0["priority"]?.intValue ?? 0) > 0 }.count == 1)
        #expect(columns.last?["priority"] == 1)
    }

    /// Every field carries a description, so `kubectl explain` teaches the API; every node has
    /// a type (structural schema); list-map keys are required in their items.
    @Test(arguments: expected.map(\.kind))
    func schemasAreStructuralAndDescribed(_ kind: String) {
        var problems: [String] = []
        func walk(_ schema: JSON, _ path: String) {
            if schema["type"] == nil { problems.append("\(path): no type") }
            if schema["x-kubernetes-preserve-unknown-fields"] == true, schema["type"] != "object" {
                problems.append("\(path): preserve-unknown-fields without type object")
            }
            for (name, child) in schema["properties"]?.objectValue ?? [:] {
                let childPath = "\(path).\(name)"
                if !(path == "" && name == "metadata"), (child["description"]?.stringValue ?? "").isEmpty {
                    problems.append("\(childPath): no description")
                }
                walk(child, childPath)
            }
            if let items = schema["items"] {
                if items["type"] == "object", (items["description"]?.stringValue ?? "").isEmpty {
                    problems.append("\(path)[]: no description")
                }
                if schema["x-kubernetes-list-type"] == "map" {
                    let keys = schema["x-kubernetes-list-map-keys"]?.arrayValue ?? []
                    let required = items["required"]?.arrayValue ?? []
                    if keys.isEmpty || !keys.allSatisfy(required.contains) {
                        problems.append("\(path): list-map keys \(keys) not all required")
                    }
                }
                walk(items, "\(path)[]")
            }
            if let additional = schema["additionalProperties"], additional.objectValue != nil {
                walk(additional, "\(path){}")
            }
        }
        let schema = CRDs.schema(kind: kind)
        #expect(schema["description"]?.stringValue?.isEmpty == false)
        walk(schema, "")
        #expect(problems == [])
    }

    @Test func defaults() {
        let md = CRDs.schema(kind: "ModelDeployment")
        let tj = CRDs.schema(kind: "TrainingJob")
        let rtp = CRDs.schema(kind: "RetrainPolicy")
        func defaultAt(_ schema: JSON, _ path: String) -> JSON? {
            var node: JSON? = schema
            for part in path.split(separator: ".") { node = node?["properties"]?[String(part)] }
            return node?["default"]
        }
        // spec.strategy and spec.trafficRouting default to objects that carry their `type`: a real
        // API server validates a default against the CEL rules beside it *without* applying the
        // nested defaults first, so `{}` made the rules read a missing key (golden 113 → 116).
        let table: [(JSON, String, JSON)] = [
            (md, "spec.replicas", 1), (md, "spec.port", 8080), (md, "spec.progressDeadlineSeconds", 600),
            (md, "spec.revisionHistoryLimit", 10), (md, "spec.strategy", ["type": "Canary"]), (md, "spec.strategy.type", "Canary"),
            (md, "spec.trafficRouting", ["type": "Replicas"]), (md, "spec.trafficRouting.type", "Replicas"),
            (md, "spec.analysis.interval", "1m"), (md, "spec.analysis.count", 5),
            (md, "spec.analysis.failureLimit", 0), (md, "spec.analysis.inconclusiveLimit", 0),
            (tj, "spec.backend", "Job"), (tj, "spec.backoffLimit", 3),
            (tj, "spec.validation.compareTo.minImprovement", 0),
            (rtp, "spec.timeZone", "UTC"), (rtp, "spec.promotion", "Automatic"), (rtp, "spec.concurrencyPolicy", "Forbid"),
            (rtp, "spec.suspend", false), (rtp, "spec.successfulHistoryLimit", 3), (rtp, "spec.failedHistoryLimit", 1),
        ]
        for (schema, path, value) in table {
            #expect(defaultAt(schema, path) == value, "default of \(path)")
        }
    }

    /// A RetrainPolicy's trainingJobTemplate.spec is a TrainingJob spec (kept in sync by hand in
    /// the YAML), except that only a TrainingJob's own spec is immutable.
    @Test func trainingJobTemplateSpecMatchesTrainingJobSpec() throws {
        var jobSpec = try #require(CRDs.schema(kind: "TrainingJob")[path: ["properties", "spec"]])
        var templateSpec = try #require(CRDs.schema(kind: "RetrainPolicy")[
            path: ["properties", "spec", "properties", "trainingJobTemplate", "properties", "spec"]])
        #expect(jobSpec["x-kubernetes-validations"]?[0]?["rule"] == "self == oldSelf")
        #expect(templateSpec["x-kubernetes-validations"] == nil)
        jobSpec["x-kubernetes-validations"] = nil
        jobSpec["description"] = nil
        templateSpec["description"] = nil
        #expect(SchemaAgreement.differences(jobSpec, templateSpec) == [])
    }

    @Test(arguments: [
        ("30s", true), ("5m", true), ("1h30m", true), ("1.5h", true), ("250ms", true), ("0s", true),
        ("10 minutes", false), ("5", false), ("m", false), ("-5m", false), ("", false), ("1d", false),
    ])
    func durationPattern(_ text: String, _ valid: Bool) throws {
        let schema = CRDs.schema(kind: "RetrainPolicy")
        let pattern = try #require(schema[path: ["properties", "spec", "properties", "cooldown", "pattern"]]?.stringValue)
        #expect(SchemaChecker.matches(text, pattern) == valid)
    }

    @Test(arguments: [
        ("0 2 * * *", true), ("*/15 9-17 * * 1-5", true), ("@daily", true), ("@hourly", true),
        ("every night", false), ("0 2 * *", false), ("@sometimes", false), (" 0 2 * * *", false), ("0 2 * * * *", false),
    ])
    func schedulePattern(_ text: String, _ valid: Bool) throws {
        let schema = CRDs.schema(kind: "RetrainPolicy")
        let pattern = try #require(schema[path: ["properties", "spec", "properties", "schedule", "pattern"]]?.stringValue)
        #expect(SchemaChecker.matches(text, pattern) == valid)
    }
}
