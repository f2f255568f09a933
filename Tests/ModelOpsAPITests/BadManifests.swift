/// Manifests the API server must refuse with 422 Invalid, each with the cause it must report.
///
/// This is data for two tests: one now (every entry parses, schema-level entries fail our schema
/// checker at exactly `field`, and CEL entries pass the schema so that their rule is what
/// fails), and one when the test server exists (apply each, expect 422 with a cause naming
/// `field`, `reason`, and a message containing `message`).
///
/// A CEL rule runs only when the object passed the OpenAPI schema (otherwise the server reports
/// "some validation rules were not checked"), so each entry has exactly one thing wrong.
struct BadManifest: Sendable, CustomStringConvertible {
    enum Check: Sendable { case schema, cel }

    var name: String
    var yaml: String
    /// The `field` of the cause, as the API writes it (`spec.strategy.canary.steps[0].setWeight`).
    var field: String
    /// The cause's `reason`.
    var reason: String
    /// Text the cause's message contains.
    var message: String
    var check: Check
    /// For rules that only apply to updates: the stored object `yaml` replaces.
    var previous: String? = nil

    var description: String { name }
}

enum BadManifests {
    // MARK: Building blocks (flow-style YAML keeps each case to the lines that matter)

    static let pinned = "model: {name: fraud, version: v1, uri: \"s3://models/fraud/v1\"}"
    static let template = "template: {spec: {containers: [{name: server, image: \"server:1\"}]}}"
    static let provider = "provider: {prometheus: {address: \"http://prometheus:9090\"}}"

    /// A ModelDeployment whose spec is `lines` (two-space indented under `spec:`).
    static func mdep(_ lines: String...) -> String {
        """
        apiVersion: modelops.io/v1alpha1
        kind: ModelDeployment
        metadata: {name: bad, namespace: default}
        spec:
        \(lines.map { "  " + $0 }.joined(separator: "\n"))
        """
    }

    static func tj(_ lines: String...) -> String {
        """
        apiVersion: modelops.io/v1alpha1
        kind: TrainingJob
        metadata: {name: bad, namespace: default}
        spec:
        \(lines.map { "  " + $0 }.joined(separator: "\n"))
        """
    }

    static let tjModel = "model: {name: fraud}"
    static let tjOutput = "outputURI: \"s3://models/fraud/\""
    static let tjDataset = "dataset: {uri: \"s3://data/tx/\", version: \"2024-05-01\"}"
    static let tjTemplate = "template: {spec: {restartPolicy: Never, containers: [{name: trainer, image: \"trainer:1\"}]}}"

    static func rtp(_ lines: String...) -> String {
        """
        apiVersion: modelops.io/v1alpha1
        kind: RetrainPolicy
        metadata: {name: bad, namespace: default}
        spec:
        \(lines.map { "  " + $0 }.joined(separator: "\n"))
        """
    }

    static let rtpRef = "modelDeploymentRef: {name: fraud}"
    static let rtpSchedule = "schedule: \"0 2 * * *\""
    static let rtpTemplate = """
        trainingJobTemplate: {spec: {model: {name: fraud}, outputURI: "s3://models/fraud/", dataset: {uri: "s3://data/tx/"}, \
        template: {spec: {containers: [{name: trainer, image: "trainer:1"}]}}}}
        """

    // MARK: The table

    static let all: [BadManifest] = modelDeployments + trainingJobs + retrainPolicies

    static let modelDeployments: [BadManifest] = [
        BadManifest(
            name: "negative replicas", yaml: mdep(pinned, template, "replicas: -1"),
            field: "spec.replicas", reason: "FieldValueInvalid",
            message: "spec.replicas in body should be greater than or equal to 0", check: .schema),
        BadManifest(
            name: "replicas of the wrong type", yaml: mdep(pinned, template, "replicas: three"),
            field: "spec.replicas", reason: "FieldValueTypeInvalid",
            message: "spec.replicas in body must be of type integer: \"string\"", check: .schema),
        BadManifest(
            name: "port out of range", yaml: mdep(pinned, template, "port: 70000"),
            field: "spec.port", reason: "FieldValueInvalid",
            message: "spec.port in body should be less than or equal to 65535", check: .schema),
        BadManifest(
            name: "missing template", yaml: mdep(pinned),
            field: "spec.template", reason: "FieldValueRequired", message: "Required value", check: .schema),
        BadManifest(
            name: "missing model", yaml: mdep(template),
            field: "spec.model", reason: "FieldValueRequired", message: "Required value", check: .schema),
        BadManifest(
            name: "missing spec",
            yaml: "apiVersion: modelops.io/v1alpha1\nkind: ModelDeployment\nmetadata: {name: bad, namespace: default}\n",
            field: "spec", reason: "FieldValueRequired", message: "Required value", check: .schema),
        BadManifest(
            name: "both model forms",
            yaml: mdep("model: {name: fraud, version: v1, uri: \"s3://m/v1\", fromPolicy: nightly}", template),
            field: "spec.model", reason: "FieldValueInvalid",
            message: "fromPolicy cannot be combined with name, version or uri", check: .cel),
        BadManifest(
            name: "registry with a pinned version",
            yaml: mdep("model: {version: v1, registry: {mlflow: {name: fraud, alias: champion}}}", template),
            field: "spec.model", reason: "FieldValueInvalid",
            message: "registry cannot be combined with name, version, uri or fromPolicy", check: .cel),
        BadManifest(
            name: "registry alias missing", yaml: mdep("model: {registry: {mlflow: {name: fraud}}}", template),
            field: "spec.model.registry.mlflow.alias", reason: "FieldValueRequired", message: "Required value", check: .schema),
        BadManifest(
            name: "neither model form", yaml: mdep("model: {}", template),
            field: "spec.model", reason: "FieldValueInvalid",
            message: "set name, version and uri (a pinned model), fromPolicy (follow a RetrainPolicy) or registry (follow a registry alias)", check: .cel),
        BadManifest(
            name: "pinned model without uri", yaml: mdep("model: {name: fraud, version: v1}", template),
            field: "spec.model", reason: "FieldValueInvalid",
            message: "set name, version and uri (a pinned model), fromPolicy (follow a RetrainPolicy) or registry (follow a registry alias)", check: .cel),
        BadManifest(
            name: "canary weight 150", yaml: mdep(pinned, template, "strategy: {canary: {steps: [{setWeight: 150}]}}"),
            field: "spec.strategy.canary.steps[0].setWeight", reason: "FieldValueInvalid",
            message: "spec.strategy.canary.steps[0].setWeight in body should be less than or equal to 100", check: .schema),
        BadManifest(
            name: "negative canary weight", yaml: mdep(pinned, template, "strategy: {canary: {steps: [{setWeight: -5}]}}"),
            field: "spec.strategy.canary.steps[0].setWeight", reason: "FieldValueInvalid",
            message: "spec.strategy.canary.steps[0].setWeight in body should be greater than or equal to 0", check: .schema),
        BadManifest(
            name: "decreasing canary weights",
            yaml: mdep(pinned, template, "strategy: {canary: {steps: [{setWeight: 50}, {pause: {}}, {setWeight: 20}]}}"),
            field: "spec.strategy.canary.steps", reason: "FieldValueInvalid",
            message: "setWeight must not decrease from one step to the next", check: .cel),
        BadManifest(
            name: "step with two actions",
            yaml: mdep(pinned, template, "strategy: {canary: {steps: [{setWeight: 10, pause: {duration: 5m}}]}}"),
            field: "spec.strategy.canary.steps[0]", reason: "FieldValueInvalid",
            message: "a step sets exactly one of setWeight, pause or analysis", check: .cel),
        BadManifest(
            name: "empty step", yaml: mdep(pinned, template, "strategy: {canary: {steps: [{setWeight: 10}, {}]}}"),
            field: "spec.strategy.canary.steps[1]", reason: "FieldValueInvalid",
            message: "a step sets exactly one of setWeight, pause or analysis", check: .cel),
        BadManifest(
            name: "pause duration that is not a Go duration",
            yaml: mdep(pinned, template, "strategy: {canary: {steps: [{setWeight: 10}, {pause: {duration: 10 minutes}}]}}"),
            field: "spec.strategy.canary.steps[1].pause.duration", reason: "FieldValueInvalid",
            message: "should match", check: .schema),
        BadManifest(
            name: "unknown strategy", yaml: mdep(pinned, template, "strategy: {type: Linear}"),
            field: "spec.strategy.type", reason: "FieldValueNotSupported",
            message: "Unsupported value: \"Linear\": supported values: \"Canary\", \"BlueGreen\", \"Shadow\"", check: .schema),
        BadManifest(
            name: "canary settings on a BlueGreen strategy",
            yaml: mdep(pinned, template, "strategy: {type: BlueGreen, canary: {steps: [{setWeight: 10}]}}"),
            field: "spec.strategy", reason: "FieldValueInvalid",
            message: "set only the settings block that matches strategy.type (canary, blueGreen or shadow)", check: .cel),
        BadManifest(
            name: "Shadow without GatewayAPI routing",
            yaml: mdep(pinned, template, "strategy: {type: Shadow, shadow: {mirrorPercent: 10}}"),
            field: "spec.trafficRouting", reason: "FieldValueInvalid",
            message: "the Shadow strategy mirrors traffic through an HTTPRoute: set trafficRouting.type to GatewayAPI",
            check: .cel),
        BadManifest(
            name: "Shadow without its settings",
            yaml: mdep(pinned, template, "strategy: {type: Shadow}", "trafficRouting: {type: GatewayAPI, gatewayAPI: {httpRoute: fraud}}"),
            field: "spec.strategy.shadow", reason: "FieldValueInvalid",
            message: "strategy.shadow (mirrorPercent) is required for the Shadow strategy", check: .cel),
        BadManifest(
            name: "mirror percent over 100",
            yaml: mdep(pinned, template, "strategy: {type: Shadow, shadow: {mirrorPercent: 120}}",
                       "trafficRouting: {type: GatewayAPI, gatewayAPI: {httpRoute: fraud}}"),
            field: "spec.strategy.shadow.mirrorPercent", reason: "FieldValueInvalid",
            message: "spec.strategy.shadow.mirrorPercent in body should be less than or equal to 100", check: .schema),
        BadManifest(
            name: "unknown traffic router", yaml: mdep(pinned, template, "trafficRouting: {type: Istio}"),
            field: "spec.trafficRouting.type", reason: "FieldValueNotSupported",
            message: "Unsupported value: \"Istio\": supported values: \"Replicas\", \"GatewayAPI\"", check: .schema),
        BadManifest(
            name: "GatewayAPI routing without a route", yaml: mdep(pinned, template, "trafficRouting: {type: GatewayAPI}"),
            field: "spec.trafficRouting.gatewayAPI", reason: "FieldValueInvalid",
            message: "trafficRouting.gatewayAPI is required when type is GatewayAPI", check: .cel),
        // What the HTTPRoute CRD (Gateway API v1.6.1) refuses is refused up front, so the
        // operator never writes a route the API server would reject.
        BadManifest(
            name: "upper-case hostname", yaml: mdep(pinned, template, "trafficRouting: {type: GatewayAPI, gatewayAPI: {httpRoute: fraud, hostnames: [Models.Example.com]}}"),
            field: "spec.trafficRouting.gatewayAPI.hostnames[0]", reason: "FieldValueInvalid",
            message: "should match '^(\\*\\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$'", check: .schema),
        BadManifest(
            name: "hostname with a port", yaml: mdep(pinned, template, "trafficRouting: {type: GatewayAPI, gatewayAPI: {httpRoute: fraud, hostnames: [\"models.example.com:8080\"]}}"),
            field: "spec.trafficRouting.gatewayAPI.hostnames[0]", reason: "FieldValueInvalid",
            message: "should match", check: .schema),
        BadManifest(
            name: "sectionName with upper case and underscore",
            yaml: mdep(pinned, template, "trafficRouting: {type: GatewayAPI, gatewayAPI: {httpRoute: fraud, parentRefs: [{name: gw, sectionName: HTTP_Listener}]}}"),
            field: "spec.trafficRouting.gatewayAPI.parentRefs[0].sectionName", reason: "FieldValueInvalid",
            message: "should match", check: .schema),
        BadManifest(
            name: "two parentRefs to one parent without sectionNames",
            yaml: mdep(pinned, template, "trafficRouting: {type: GatewayAPI, gatewayAPI: {httpRoute: fraud, parentRefs: [{name: gw}, {name: gw}]}}"),
            field: "spec.trafficRouting.gatewayAPI.parentRefs", reason: "FieldValueInvalid",
            message: "sectionName must be unique when parentRefs includes 2 or more references to the same parent", check: .cel),
        BadManifest(
            name: "two parentRefs to one parent, one with a sectionName",
            yaml: mdep(pinned, template, "trafficRouting: {type: GatewayAPI, gatewayAPI: {httpRoute: fraud, parentRefs: [{name: gw}, {name: gw, sectionName: http}]}}"),
            field: "spec.trafficRouting.gatewayAPI.parentRefs", reason: "FieldValueInvalid",
            message: "sectionName must be specified when parentRefs includes 2 or more references to the same parent", check: .cel),
        BadManifest(
            name: "negative revision history limit", yaml: mdep(pinned, template, "revisionHistoryLimit: -1"),
            field: "spec.revisionHistoryLimit", reason: "FieldValueInvalid",
            message: "spec.revisionHistoryLimit in body should be greater than or equal to 0", check: .schema),
        BadManifest(
            name: "zero progress deadline", yaml: mdep(pinned, template, "progressDeadlineSeconds: 0"),
            field: "spec.progressDeadlineSeconds", reason: "FieldValueInvalid",
            message: "spec.progressDeadlineSeconds in body should be greater than or equal to 1", check: .schema),
        BadManifest(
            name: "analysis step without spec.analysis",
            yaml: mdep(pinned, template, "strategy: {canary: {steps: [{setWeight: 10}, {analysis: {}}]}}"),
            field: "spec.analysis", reason: "FieldValueInvalid",
            message: "analysis steps need spec.analysis (provider and metrics)", check: .cel),
        BadManifest(
            name: "analysis step naming an undefined metric",
            yaml: mdep(pinned, template, "strategy: {canary: {steps: [{setWeight: 10}, {analysis: {metrics: [latency]}}]}}",
                       "analysis: {\(provider), metrics: [{name: error-rate, query: \"up\", thresholdRange: {max: 0.01}}]}"),
            field: "spec.strategy.canary.steps", reason: "FieldValueInvalid",
            message: "analysis steps may only name metrics defined in spec.analysis.metrics", check: .cel),
        BadManifest(
            name: "analysis without provider",
            yaml: mdep(pinned, template, "analysis: {metrics: [{name: error-rate, query: \"up\", thresholdRange: {max: 0.01}}]}"),
            field: "spec.analysis.provider", reason: "FieldValueRequired", message: "Required value", check: .schema),
        BadManifest(
            name: "prometheus address that is not a URL",
            yaml: mdep(pinned, template,
                       "analysis: {provider: {prometheus: {address: prometheus:9090}}, metrics: [{name: e, query: \"up\", successCondition: \"result < 1\"}]}"),
            field: "spec.analysis.provider.prometheus.address", reason: "FieldValueInvalid",
            message: "should match", check: .schema),
        BadManifest(
            name: "zero analysis count",
            yaml: mdep(pinned, template, "analysis: {\(provider), count: 0, metrics: [{name: e, query: \"up\", successCondition: \"result < 1\"}]}"),
            field: "spec.analysis.count", reason: "FieldValueInvalid",
            message: "spec.analysis.count in body should be greater than or equal to 1", check: .schema),
        BadManifest(
            name: "metric without a success criterion",
            yaml: mdep(pinned, template, "analysis: {\(provider), metrics: [{name: e, query: \"up\"}]}"),
            field: "spec.analysis.metrics[0]", reason: "FieldValueInvalid",
            message: "a metric needs successCondition or thresholdRange to judge its measurements", check: .cel),
        BadManifest(
            name: "threshold range min above max",
            yaml: mdep(pinned, template, "analysis: {\(provider), metrics: [{name: e, query: \"up\", thresholdRange: {min: 5, max: 1}}]}"),
            field: "spec.analysis.metrics[0].thresholdRange", reason: "FieldValueInvalid",
            message: "thresholdRange.min must not exceed max", check: .cel),
        BadManifest(
            name: "duplicate metric names",
            yaml: mdep(pinned, template,
                       "analysis: {\(provider), metrics: [{name: e, query: \"up\", successCondition: \"result < 1\"}, {name: e, query: \"down\", successCondition: \"result < 1\"}]}"),
            field: "spec.analysis.metrics[1]", reason: "FieldValueDuplicate", message: "Duplicate value", check: .schema),
    ]

    static let trainingJobs: [BadManifest] = [
        BadManifest(
            name: "training job without outputURI", yaml: tj(tjModel, tjDataset, tjTemplate),
            field: "spec.outputURI", reason: "FieldValueRequired", message: "Required value", check: .schema),
        BadManifest(
            name: "dataset without uri", yaml: tj(tjModel, tjOutput, "dataset: {version: v1}", tjTemplate),
            field: "spec.dataset.uri", reason: "FieldValueRequired", message: "Required value", check: .schema),
        BadManifest(
            name: "unknown training backend", yaml: tj(tjModel, tjOutput, tjDataset, tjTemplate, "backend: PyTorchJob"),
            field: "spec.backend", reason: "FieldValueNotSupported",
            message: "Unsupported value: \"PyTorchJob\": supported values: \"Job\"", check: .schema),
        BadManifest(
            name: "negative backoff limit", yaml: tj(tjModel, tjOutput, tjDataset, tjTemplate, "backoffLimit: -1"),
            field: "spec.backoffLimit", reason: "FieldValueInvalid",
            message: "spec.backoffLimit in body should be greater than or equal to 0", check: .schema),
        BadManifest(
            name: "zero active deadline", yaml: tj(tjModel, tjOutput, tjDataset, tjTemplate, "activeDeadlineSeconds: 0"),
            field: "spec.activeDeadlineSeconds", reason: "FieldValueInvalid",
            message: "spec.activeDeadlineSeconds in body should be greater than or equal to 1", check: .schema),
        BadManifest(
            name: "hyperparameter that is not a string",
            yaml: tj(tjModel, tjOutput, tjDataset, tjTemplate, "hyperparameters: {learning_rate: 0.05}"),
            field: "spec.hyperparameters.learning_rate", reason: "FieldValueTypeInvalid",
            message: "spec.hyperparameters.learning_rate in body must be of type string: \"number\"", check: .schema),
        BadManifest(
            name: "validation gate without bounds",
            yaml: tj(tjModel, tjOutput, tjDataset, tjTemplate, "validation: {gates: [{metric: accuracy}]}"),
            field: "spec.validation.gates[0]", reason: "FieldValueInvalid",
            message: "a gate needs min, max or both", check: .cel),
        BadManifest(
            name: "changing the spec of a training job",
            yaml: tj(tjModel, tjOutput, tjDataset, tjTemplate, "hyperparameters: {learning_rate: \"0.1\"}"),
            field: "spec", reason: "FieldValueInvalid",
            message: "spec is immutable: a TrainingJob runs once; create a new TrainingJob to train again", check: .cel,
            previous: tj(tjModel, tjOutput, tjDataset, tjTemplate, "hyperparameters: {learning_rate: \"0.05\"}")),
    ]

    static let retrainPolicies: [BadManifest] = [
        BadManifest(
            name: "missing schedule", yaml: rtp(rtpRef, rtpTemplate),
            field: "spec.schedule", reason: "FieldValueRequired", message: "Required value", check: .schema),
        BadManifest(
            name: "schedule that is not cron", yaml: rtp(rtpRef, "schedule: every night", rtpTemplate),
            field: "spec.schedule", reason: "FieldValueInvalid", message: "should match", check: .schema),
        BadManifest(
            name: "missing model deployment reference", yaml: rtp(rtpSchedule, rtpTemplate),
            field: "spec.modelDeploymentRef", reason: "FieldValueRequired", message: "Required value", check: .schema),
        BadManifest(
            name: "missing training job template", yaml: rtp(rtpRef, rtpSchedule),
            field: "spec.trainingJobTemplate", reason: "FieldValueRequired", message: "Required value", check: .schema),
        BadManifest(
            name: "training job template without spec", yaml: rtp(rtpRef, rtpSchedule, "trainingJobTemplate: {metadata: {labels: {a: b}}}"),
            field: "spec.trainingJobTemplate.spec", reason: "FieldValueRequired", message: "Required value", check: .schema),
        BadManifest(
            name: "bad concurrency policy", yaml: rtp(rtpRef, rtpSchedule, rtpTemplate, "concurrencyPolicy: Skip"),
            field: "spec.concurrencyPolicy", reason: "FieldValueNotSupported",
            message: "Unsupported value: \"Skip\": supported values: \"Forbid\", \"Replace\", \"Allow\"", check: .schema),
        BadManifest(
            name: "bad promotion", yaml: rtp(rtpRef, rtpSchedule, rtpTemplate, "promotion: Auto"),
            field: "spec.promotion", reason: "FieldValueNotSupported",
            message: "Unsupported value: \"Auto\": supported values: \"Automatic\", \"Manual\"", check: .schema),
        BadManifest(
            name: "negative successful history limit", yaml: rtp(rtpRef, rtpSchedule, rtpTemplate, "successfulHistoryLimit: -1"),
            field: "spec.successfulHistoryLimit", reason: "FieldValueInvalid",
            message: "spec.successfulHistoryLimit in body should be greater than or equal to 0", check: .schema),
        BadManifest(
            name: "negative failed history limit", yaml: rtp(rtpRef, rtpSchedule, rtpTemplate, "failedHistoryLimit: -3"),
            field: "spec.failedHistoryLimit", reason: "FieldValueInvalid",
            message: "spec.failedHistoryLimit in body should be greater than or equal to 0", check: .schema),
        BadManifest(
            name: "suspend that is not a boolean", yaml: rtp(rtpRef, rtpSchedule, rtpTemplate, "suspend: \"maybe\""),
            field: "spec.suspend", reason: "FieldValueTypeInvalid",
            message: "spec.suspend in body must be of type boolean: \"string\"", check: .schema),
        BadManifest(
            name: "served alias the same as the promotion alias",
            yaml: rtp(rtpRef, rtpSchedule, rtpTemplate, "registry: {mlflow: {alias: champion, servedAlias: champion}}"),
            field: "spec.registry.mlflow.servedAlias", reason: "FieldValueInvalid", message: "servedAlias must differ from alias", check: .cel),
        BadManifest(
            name: "cooldown that is not a duration", yaml: rtp(rtpRef, rtpSchedule, rtpTemplate, "cooldown: soon"),
            field: "spec.cooldown", reason: "FieldValueInvalid", message: "should match", check: .schema),
        BadManifest(
            name: "unknown trigger type", yaml: rtp(rtpRef, rtpSchedule, rtpTemplate, "triggers: [{type: Webhook}]"),
            field: "spec.triggers[0].type", reason: "FieldValueNotSupported",
            message: "Unsupported value: \"Webhook\": supported values: \"Metric\", \"DataVersion\"", check: .schema),
        BadManifest(
            name: "metric trigger with data version settings",
            yaml: rtp(rtpRef, rtpSchedule, rtpTemplate, "triggers: [{type: Metric, dataVersion: {configMapRef: {name: data, key: version}}}]"),
            field: "spec.triggers[0]", reason: "FieldValueInvalid",
            message: "a Metric trigger sets metric, a DataVersion trigger sets dataVersion (and only that)", check: .cel),
        BadManifest(
            name: "metric trigger with a bad operator",
            yaml: rtp(rtpRef, rtpSchedule, rtpTemplate, "triggers: [{type: Metric, metric: {query: \"drift\", threshold: 0.2, operator: Above}}]"),
            field: "spec.triggers[0].metric.operator", reason: "FieldValueNotSupported",
            message: "Unsupported value: \"Above\": supported values: \"GreaterThan\", \"LessThan\"", check: .schema),
        BadManifest(
            name: "metric trigger without threshold",
            yaml: rtp(rtpRef, rtpSchedule, rtpTemplate, "triggers: [{type: Metric, metric: {query: \"drift\"}}]"),
            field: "spec.triggers[0].metric.threshold", reason: "FieldValueRequired", message: "Required value", check: .schema),
        BadManifest(
            name: "metric trigger hold time that is not a duration",
            yaml: rtp(rtpRef, rtpSchedule, rtpTemplate, "triggers: [{type: Metric, metric: {query: \"drift\", threshold: 0.2, for: 15 minutes}}]"),
            field: "spec.triggers[0].metric.for", reason: "FieldValueInvalid", message: "should match", check: .schema),
        BadManifest(
            name: "data version trigger without key",
            yaml: rtp(rtpRef, rtpSchedule, rtpTemplate, "triggers: [{type: DataVersion, dataVersion: {configMapRef: {name: data}}}]"),
            field: "spec.triggers[0].dataVersion.configMapRef.key", reason: "FieldValueRequired", message: "Required value",
            check: .schema),
        BadManifest(
            name: "gate without bounds in the training job template",
            yaml: rtp(rtpRef, rtpSchedule, """
                trainingJobTemplate: {spec: {model: {name: fraud}, outputURI: "s3://o/", dataset: {uri: "s3://d/"}, \
                template: {}, validation: {gates: [{metric: accuracy}]}}}
                """),
            field: "spec.trainingJobTemplate.spec.validation.gates[0]", reason: "FieldValueInvalid",
            message: "a gate needs min, max or both", check: .cel),
    ]
}
