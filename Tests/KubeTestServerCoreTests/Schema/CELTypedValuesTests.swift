import KubeCore
import KubeTestServerCore
import Testing

/// Rules see a custom resource's values typed by its schema, as on a real server: the checker
/// accepts `self.timeout <= duration('1h')` for a `format: duration` string, so evaluation must
/// give it a duration, not a string. (No recorded exchange pins these; apiextensions converts
/// with `UnstructuredToVal`.)
@Suite struct CELTypedValuesTests {
    static let admin = UserInfo(name: "typed-tests", groups: ["system:masters"])

    static let crd: JSON = [
        "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
        "metadata": ["name": "probes.typed.example.com"],
        "spec": ["group": "typed.example.com", "scope": "Namespaced",
                 "names": ["plural": "probes", "singular": "probe", "kind": "Probe", "listKind": "ProbeList"],
                 "versions": [["name": "v1", "served": true, "storage": true, "schema": ["openAPIV3Schema": [
                     "type": "object",
                     "properties": ["spec": [
                         "type": "object",
                         "properties": [
                             "timeout": ["type": "string", "format": "duration"],
                             "notBefore": ["type": "string", "format": "date-time"],
                             "ratio": ["type": "number"],
                         ],
                         "x-kubernetes-validations": [
                             ["rule": "!has(self.timeout) || self.timeout <= duration('1h')", "message": "timeout at most 1h"],
                             ["rule": "!has(self.notBefore) || self.notBefore > timestamp('2020-01-01T00:00:00Z')", "message": "notBefore after 2020"],
                             ["rule": "!has(self.ratio) || self.ratio * 2.0 <= 2.0", "message": "ratio at most 1"],
                         ],
                     ]],
                 ]]]]],
    ]

    private func create(_ spec: JSON) async -> (status: Int, body: JSON) {
        let api = APIServer()
        defer { api.shutdown() }
        let crd = await api.handle(APIRequest(method: "POST", path: "/apis/apiextensions.k8s.io/v1/customresourcedefinitions",
                                              headers: ["content-type": "application/json"], body: Self.crd.serialized(), user: Self.admin))
        #expect(crd.status == 201)
        let probe: JSON = ["apiVersion": "typed.example.com/v1", "kind": "Probe", "metadata": ["name": "p"], "spec": spec]
        let response = await api.handle(APIRequest(method: "POST", path: "/apis/typed.example.com/v1/namespaces/default/probes",
                                                   headers: ["content-type": "application/json"], body: probe.serialized(), user: Self.admin))
        return (response.status, (try? JSON.parse(response.body)) ?? .null)
    }

    @Test func durationsTimestampsAndDoublesAreTyped() async {
        let (status, body) = await create(["timeout": "90s", "notBefore": "2024-05-01T10:00:00Z", "ratio": 1])
        #expect(status == 201, "\(body)")
    }

    @Test func aTypedValueOverItsBoundFailsTheRule() async {
        let (status, body) = await create(["timeout": "2h", "notBefore": "2019-05-01T10:00:00Z", "ratio": 2])
        #expect(status == 422)
        #expect(body[path: ["details", "causes"]] == [
            ["reason": "FieldValueInvalid", "field": "spec", "message": "Invalid value: timeout at most 1h"],
            ["reason": "FieldValueInvalid", "field": "spec", "message": "Invalid value: notBefore after 2020"],
            ["reason": "FieldValueInvalid", "field": "spec", "message": "Invalid value: ratio at most 1"],
        ])
    }
}
