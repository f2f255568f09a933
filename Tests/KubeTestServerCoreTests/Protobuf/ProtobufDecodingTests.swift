import Foundation
import KubeCore
import SwiftProtobuf
import Testing
@testable import KubeProtobuf

/// Reading Kubernetes' protobuf encoding into the JSON kube-apiserver holds: kubectl's own bytes
/// (golden 133-137) and the Go JSON rules the messages do not carry.
@Suite("Protobuf bodies: kubectl's bytes to Kubernetes JSON")
struct ProtobufDecodingTests {
    @Test("golden 133-137: kubectl's exact bytes decode to its JSON view of the object", arguments: GoldenExchange.kubectlProtobufCreates)
    func goldenRequestDecodesToJSONView(number: Int) throws {
        let golden = try GoldenExchange(number)
        let recorded = try #require(golden.recorded["request"])
        let envelope = try KubeProtobuf.ProtobufEnvelope(decoding: golden.requestBytes)
        #expect(envelope.apiVersion == recorded[path: ["envelope", "typeMeta", "apiVersion"]]?.stringValue)
        #expect(envelope.kind == recorded[path: ["envelope", "typeMeta", "kind"]]?.stringValue)
        #expect(Int64(envelope.raw.count) == recorded[path: ["envelope", "raw_bytes"]]?.intValue)
        let object = try #require(try BuiltinProtobufKinds.object(apiVersion: envelope.apiVersion, kind: envelope.kind, raw: envelope.raw))
        let expected = try #require(recorded["json_view"]).droppingNullCreationTimestamps()
        #expect(object == expected, "\(golden.name): \(object.serializedString())")
    }

    @Test("the envelope is checked as the Go serializer checks it: empty, prefix, prefix only, truncated")
    func envelopeErrors() throws {
        #expect(throws: ProtobufDecodingError.emptyData) { try KubeProtobuf.ProtobufEnvelope(decoding: []) }
        #expect(throws: ProtobufDecodingError.missingPrefix) { try KubeProtobuf.ProtobufEnvelope(decoding: Array("{\"kind\":\"ConfigMap\"}".utf8)) }
        #expect(throws: ProtobufDecodingError.missingPrefix) { try KubeProtobuf.ProtobufEnvelope(decoding: [0x6b, 0x38]) }
        #expect(throws: ProtobufDecodingError.emptyBody) { try KubeProtobuf.ProtobufEnvelope(decoding: KubeProtobuf.ProtobufEnvelope.magic) }
        let bytes = try GoldenExchange(134).requestBytes
        #expect(throws: ProtobufDecodingError.malformed("unexpected EOF")) { try KubeProtobuf.ProtobufEnvelope(decoding: Array(bytes.dropLast(5))) }
        #expect(ProtobufDecodingError.missingPrefix.message == "provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]")
    }

    /// A Deployment as client-go would encode one, decoded back.
    func decode(_ deployment: K8s_Io_Api_Apps_V1_Deployment) throws -> JSON {
        try #require(try BuiltinProtobufKinds.object(apiVersion: "apps/v1", kind: "Deployment", raw: try deployment.serializedBytes() as [UInt8]))
    }

    @Test("a pointer set to zero stays (replicas: 0); a plain zero is dropped; a required zero is written")
    func zeroValues() throws {
        var deployment = K8s_Io_Api_Apps_V1_Deployment()
        deployment.spec.replicas = 0
        deployment.spec.minReadySeconds = 0
        deployment.spec.paused = false
        var container = K8s_Io_Api_Core_V1_Container()
        container.name = ""
        container.image = ""
        deployment.spec.template.spec.containers = [container]
        let json = try decode(deployment)
        #expect(json[path: ["spec", "replicas"]] == 0)
        #expect(json[path: ["spec", "minReadySeconds"]] == nil)
        #expect(json[path: ["spec", "paused"]] == nil)
        #expect(json[path: ["spec", "template", "spec", "containers"]] == [["name": ""]])
        #expect(json[path: ["spec", "revisionHistoryLimit"]] == nil, "an unset pointer is not written")
    }

    @Test("special types: Time, IntOrString, Quantity, FieldsV1, bytes, int64, maps")
    func specialTypes() throws {
        var deployment = K8s_Io_Api_Apps_V1_Deployment()
        deployment.metadata.creationTimestamp.seconds = 1_796_530_250   // 2026-12-06T04:10:50Z
        deployment.metadata.deletionGracePeriodSeconds = 30
        deployment.metadata.labels = ["app": "web"]
        var entry = K8s_Io_Apimachinery_Pkg_Apis_Meta_V1_ManagedFieldsEntry()
        entry.manager = "kubectl-create"
        entry.fieldsType = "FieldsV1"
        entry.fieldsV1.raw = Data(#"{"f:spec":{"f:replicas":{}}}"#.utf8)
        deployment.metadata.managedFields = [entry]
        deployment.spec.strategy.rollingUpdate.maxSurge.type = 0
        deployment.spec.strategy.rollingUpdate.maxSurge.intVal = 2
        deployment.spec.strategy.rollingUpdate.maxUnavailable.type = 1
        deployment.spec.strategy.rollingUpdate.maxUnavailable.strVal = "25%"
        var container = K8s_Io_Api_Core_V1_Container()
        container.name = "model"
        var cpu = K8s_Io_Apimachinery_Pkg_Api_Resource_Quantity()
        cpu.string = "500m"
        container.resources.limits = ["cpu": cpu]
        container.resources.requests = [:]
        deployment.spec.template.spec.containers = [container]
        deployment.spec.template.spec.securityContext.supplementalGroups = [1000, 2000]
        let json = try decode(deployment)
        #expect(json[path: ["metadata", "creationTimestamp"]] == "2026-12-06T04:10:50Z")
        #expect(json[path: ["metadata", "deletionGracePeriodSeconds"]] == 30)
        #expect(json[path: ["metadata", "labels"]] == ["app": "web"])
        #expect(json[path: ["metadata", "managedFields"]] == [["manager": "kubectl-create", "fieldsType": "FieldsV1",
                                                               "fieldsV1": ["f:spec": ["f:replicas": [:]]]]])
        #expect(json[path: ["spec", "strategy", "rollingUpdate"]] == ["maxSurge": 2, "maxUnavailable": "25%"])
        #expect(json[path: ["spec", "template", "spec", "containers"]] == [["name": "model", "resources": ["limits": ["cpu": "500m"]]]])
        #expect(json[path: ["spec", "template", "spec", "securityContext", "supplementalGroups"]] == [1000, 2000])

        var secret = K8s_Io_Api_Core_V1_Secret()
        secret.data = ["bin": Data([0, 255, 16])]
        secret.type = "Opaque"
        let secretJSON = try #require(try BuiltinProtobufKinds.object(apiVersion: "v1", kind: "Secret", raw: try secret.serializedBytes() as [UInt8]))
        #expect(secretJSON == ["apiVersion": "v1", "kind": "Secret", "data": ["bin": "AP8Q"], "type": "Opaque"])
    }

    @Test("embedded structs are flattened as Go's json:\",inline\" does: probe handlers, key selectors, volume sources")
    func inlineFields() throws {
        var container = K8s_Io_Api_Core_V1_Container()
        container.name = "model"
        container.livenessProbe.handler.httpGet.path = "/healthz"
        container.livenessProbe.handler.httpGet.port.type = 1
        container.livenessProbe.handler.httpGet.port.strVal = "http"
        container.livenessProbe.periodSeconds = 5
        var env = K8s_Io_Api_Core_V1_EnvVar()
        env.name = "TOKEN"
        env.valueFrom.secretKeyRef.localObjectReference.name = "creds"
        env.valueFrom.secretKeyRef.key = "token"
        container.env = [env]
        var volume = K8s_Io_Api_Core_V1_Volume()
        volume.name = "config"
        volume.volumeSource.configMap.localObjectReference.name = "settings"
        volume.volumeSource.configMap.defaultMode = 420
        var deployment = K8s_Io_Api_Apps_V1_Deployment()
        deployment.spec.template.spec.containers = [container]
        deployment.spec.template.spec.volumes = [volume]
        let spec = try #require(try decode(deployment)[path: ["spec", "template", "spec"]])
        #expect(spec["containers"] == [[
            "name": "model",
            "livenessProbe": ["httpGet": ["path": "/healthz", "port": "http"], "periodSeconds": 5],
            "env": [["name": "TOKEN", "valueFrom": ["secretKeyRef": ["name": "creds", "key": "token"]]]],
        ]])
        #expect(spec["volumes"] == [["name": "config", "configMap": ["name": "settings", "defaultMode": 420]]])
    }

    @Test("fields newer than the compiled messages are skipped, as gogo's Unmarshal skips them")
    func unknownFieldsAreSkipped() throws {
        var configMap = K8s_Io_Api_Core_V1_ConfigMap()
        configMap.metadata.name = "settings"
        configMap.data = ["a": "b"]
        var bytes: [UInt8] = try configMap.serializedBytes()
        bytes += [0xF8, 0x06, 0x01]   // field 111, varint 1: not in ConfigMap
        let json = try BuiltinProtobufKinds.object(apiVersion: "v1", kind: "ConfigMap", raw: bytes)
        #expect(json == ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "settings"], "data": ["a": "b"]])
    }

    @Test("MicroTime keeps microseconds; Duration is Go's duration text")
    func microTimeAndDuration() throws {
        var micro = K8s_Io_Apimachinery_Pkg_Apis_Meta_V1_MicroTime()
        micro.seconds = 1_796_530_250
        micro.nanos = 123_456_789
        #expect(try KubernetesJSONVisitor.json(of: micro) == "2026-12-06T04:10:50.123456Z")
        #expect(try KubernetesJSONVisitor.json(of: K8s_Io_Apimachinery_Pkg_Apis_Meta_V1_MicroTime()) == nil)
        let cases: [(Int64, String)] = [
            (0, "0s"), (1, "1ns"), (1_100, "1.1µs"), (2_200_000, "2.2ms"), (1_500_000_000, "1.5s"),
            (3_723_000_000_000, "1h2m3s"), (60_000_000_000, "1m0s"), (-90_000_000_000, "-1m30s"),
        ]
        for (nanoseconds, text) in cases {
            var duration = K8s_Io_Apimachinery_Pkg_Apis_Meta_V1_Duration()
            duration.duration = nanoseconds
            #expect(try KubernetesJSONVisitor.json(of: duration) == .string(text))
        }
    }

    @Test("only the kinds kubectl sends as protobuf are compiled in: its create generators' five and the access reviews of auth can-i")
    func compiledKinds() {
        #expect(BuiltinProtobufKinds.kinds == ["apps/v1/Deployment", "authorization.k8s.io/v1/LocalSubjectAccessReview",
                                               "authorization.k8s.io/v1/SelfSubjectAccessReview", "authorization.k8s.io/v1/SubjectAccessReview",
                                               "v1/ConfigMap", "v1/Namespace", "v1/Secret", "v1/ServiceAccount"])
        #expect(!BuiltinProtobufKinds.supports(apiVersion: "v1", kind: "Pod"))
    }
}
