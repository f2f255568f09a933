import KubeCore
import ModelOpsAPI
import Testing

@Suite("pod templates round-trip untouched")
struct PodTemplateRoundTripTests {
    /// Fields this operator has never heard of, numbers of both kinds, nulls, empty objects:
    /// all must come back exactly, or applying the object would fight with whoever set them.
    static let template: JSON = [
        "metadata": ["labels": ["app": "x"], "annotations": ["sidecar.istio.io/inject": "false"]],
        "spec": [
            "runtimeClassName": "nvidia",
            "futurePodField": ["nested": [1, 2.5, "three", nil, true, [:], []]],
            "containers": [[
                "name": "server", "image": "img:1",
                "resources": ["limits": ["nvidia.com/gpu": 1]],
                "someAlphaField": ["enabled": true],
                "bigNumber": .int(9_007_199_254_740_993),
            ]],
            "terminationGracePeriodSeconds": 30,
        ],
    ]

    @Test func modelDeploymentTemplate() throws {
        var object: JSON = [
            "apiVersion": "modelops.io/v1alpha1", "kind": "ModelDeployment",
            "metadata": ["name": "m", "namespace": "ns"],
            "spec": ["model": ["fromPolicy": "p"], "template": Self.template],
        ]
        let decoded = try object.decode(as: ModelDeployment.self)
        #expect(decoded.spec.template == Self.template)
        let encoded = try JSON(encoding: decoded)
        #expect(encoded[path: ["spec", "template"]]?.serializedString() == Self.template.serializedString())
        object[path: ["spec", "template"]] = nil
        var reencoded = encoded
        reencoded[path: ["spec", "template"]] = nil
        #expect(reencoded == object)
    }

    @Test func trainingJobTemplateInsideAPolicy() throws {
        let object: JSON = [
            "apiVersion": "modelops.io/v1alpha1", "kind": "RetrainPolicy",
            "metadata": ["name": "p"],
            "spec": [
                "modelDeploymentRef": ["name": "m"], "schedule": "@daily",
                "trainingJobTemplate": ["spec": [
                    "model": ["name": "m"], "outputURI": "s3://o", "dataset": ["uri": "s3://d"], "template": Self.template,
                ]],
            ],
        ]
        let encoded = try JSON(encoding: try object.decode(as: RetrainPolicy.self))
        #expect(encoded.serializedString() == object.serializedString())
    }

    /// Encoding leaves out every nil optional: no `null`s that a merge patch would read as
    /// "delete this field".
    @Test func nilsAreOmitted() throws {
        let deployment = ModelDeployment(
            metadata: ObjectMeta(name: "m", namespace: "ns"),
            spec: ModelDeploymentSpec(model: .following("p"), template: [:]))
        let encoded = try JSON(encoding: deployment)
        #expect(encoded == [
            "apiVersion": "modelops.io/v1alpha1", "kind": "ModelDeployment",
            "metadata": ["name": "m", "namespace": "ns"],
            "spec": ["model": ["fromPolicy": "p"], "template": [:]],
        ])
        #expect(!encoded.serializedString().contains("null"))
    }

    @Test func typeMetaDefaults() {
        #expect(ModelDeployment.apiVersion == "modelops.io/v1alpha1")
        #expect(TrainingJob.plural == "trainingjobs")
        #expect(RetrainPolicy.kind == "RetrainPolicy")
        let job = TrainingJob(
            metadata: ObjectMeta(name: "j"),
            spec: TrainingJobSpec(model: .init(name: "m"), outputURI: "s3://o", dataset: Dataset(uri: "s3://d"), template: [:]))
        #expect(job.apiVersion == "modelops.io/v1alpha1")
        #expect(job.kind == "TrainingJob")
    }
}
