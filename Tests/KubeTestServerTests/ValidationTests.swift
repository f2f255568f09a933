import TestSupport
import KubeCore
import Testing

@Suite("Validation and bad requests")
struct ValidationTests {
    @Test("schema violations are one 422 with a cause per field, worded as the real server words them")
    func schemaViolations() async throws {
        try await withCluster { cluster in
            let result = try await cluster.curl("/apis/golden.example.com/v1/namespaces/golden/gizmos", method: "POST",
                                                headers: ["Content-Type: application/json"],
                                                body: #"{"apiVersion":"golden.example.com/v1","kind":"Gizmo","metadata":{"name":"bad"},"spec":{"replicas":99,"mode":"Turbo","owner":"NOT-LOWER","steps":[{"weight":1},{"weight":1},{"weight":1},{"weight":1},{"weight":1},{"weight":1}]}}"#)
            #expect(result.status == 422)
            let status = result.body.json
            #expect(status["reason"]?.stringValue == "Invalid")
            let causes = Dictionary((status[path: ["details", "causes"]]?.arrayValue ?? []).map {
                ($0["field"]?.stringValue ?? "", $0["message"]?.stringValue ?? "")
            }, uniquingKeysWith: { a, _ in a })
            #expect(causes["spec.replicas"] == "Invalid value: 99: spec.replicas in body should be less than or equal to 50")
            #expect(causes["spec.owner"] == "Invalid value: \"NOT-LOWER\": spec.owner in body should match '^[a-z]+$'")
            #expect(causes["spec.steps"] == "Too many: 6: must have at most 5 items")
            #expect(causes["spec.mode"] == "Unsupported value: \"Turbo\": supported values: \"Slow\", \"Fast\"")
            #expect(causes["<nil>"]?.contains("some validation rules were not checked") == true)
            #expect(status["message"]?.stringValue?.hasPrefix("Gizmo.golden.example.com \"bad\" is invalid: [") == true)
        }
    }

    @Test("kubectl shows CEL failures at the rule's node or its fieldPath")
    func celRules() async throws {
        try await withCluster { cluster in
            let out = try await cluster.kubectl("apply", "-f", "-", stdin: gizmo("bad4", extra: "  mode: Fast\n  steps: [{weight: 150}]"))
            #expect(out.status != 0)
            #expect(out.stderr.contains("The Gizmo \"bad4\" is invalid:"))
            #expect(out.stderr.contains("spec.replicas: Invalid value: Fast mode needs at least 2 replicas") || out.stderr.contains("spec.replicas: Invalid value: \"integer\": Fast mode needs at least 2 replicas"))
            #expect(out.stderr.contains("weights must be between 0 and 100"))
        }
    }

    @Test("a transition rule (self == oldSelf) lets the first value in and refuses a change")
    func immutability() async throws {
        try await withCluster { cluster in
            try await cluster.kubectlOK("apply", "-f", "-", stdin: gizmo("alpha"))
            try await cluster.kubectlOK("patch", "gz", "alpha", "-n", "golden", "--type=merge", "-p", #"{"spec":{"immutable":"a"}}"#)
            let change = try await cluster.kubectl("patch", "gz", "alpha", "-n", "golden", "--type=merge", "-p", #"{"spec":{"immutable":"b"}}"#)
            #expect(change.status != 0)
            #expect(change.stderr.contains("spec.immutable: Invalid value: \"b\": immutable is immutable"))
        }
    }

    @Test("unknown fields: pruned with a warning by default, 400 with fieldValidation=Strict (kubectl's default)")
    func unknownFields() async throws {
        try await withCluster { cluster in
            let strict = try await cluster.kubectl("apply", "-f", "-", stdin: gizmo("alpha", extra: "  colour: red"))
            #expect(strict.status != 0)
            #expect(strict.stderr.contains("strict decoding error: unknown field \"spec.colour\""))
            let warn = try await cluster.curl("/apis/golden.example.com/v1/namespaces/golden/gizmos", method: "POST",
                                              headers: ["Content-Type: application/json"],
                                              body: #"{"apiVersion":"golden.example.com/v1","kind":"Gizmo","metadata":{"name":"w"},"spec":{"replicas":1,"colour":"red","template":{"kept":{"x":1}}}}"#)
            #expect(warn.status == 201)
            #expect(warn.headers.contains(#"299 - "unknown field \"spec.colour\"""#))
            #expect(warn.body.json[path: ["spec", "colour"]] == nil)
            #expect(warn.body.json[path: ["spec", "template", "kept", "x"]]?.intValue == 1, "preserve-unknown-fields areas are kept")
        }
    }

    @Test("malformed bodies, wrong content types, oversized bodies, unknown paths: the real codes, nothing stored")
    func badRequests() async throws {
        try await withCluster { cluster in
            let path = "/apis/golden.example.com/v1/namespaces/golden/gizmos"
            let malformed = try await cluster.curl(path, method: "POST", headers: ["Content-Type: application/json"], body: "{not json")
            #expect(malformed.status == 400)
            #expect(malformed.body.json["message"]?.stringValue == "the object provided is unrecognized (must be of type Gizmo): couldn't get version/kind; json parse error: invalid character 'n' looking for beginning of object key string ({not json)")
            let wrongType = try await cluster.curl(path, method: "POST", headers: ["Content-Type: text/plain"], body: "hello")
            #expect(wrongType.status == 415)
            let big = String(repeating: "x", count: 3 * 1024 * 1024 + 10)
            let oversized = try await cluster.curl(path, method: "POST", headers: ["Content-Type: application/json"], body: big)
            #expect(oversized.status == 413)
            let unknown = try await cluster.curl("/apis/nothing.example.com/v1/namespaces/golden/things")
            #expect(unknown.status == 404)
            #expect(unknown.body.json["kind"]?.stringValue == "Status")
            let withRV = try await cluster.curl(path, method: "POST", headers: ["Content-Type: application/json"],
                                                body: #"{"apiVersion":"golden.example.com/v1","kind":"Gizmo","metadata":{"name":"r","resourceVersion":"5"},"spec":{"replicas":1}}"#)
            #expect(withRV.status == 500)
            #expect(withRV.body.json["message"]?.stringValue == "resourceVersion should not be set on objects to be created")
            let yaml = try await cluster.curl(path, method: "POST", headers: ["Content-Type: application/yaml"],
                                              body: "apiVersion: golden.example.com/v1\nkind: Gizmo\nmetadata: {name: y}\nspec: {replicas: 2}\n")
            #expect(yaml.status == 201)
            let list = try await cluster.curl(path).body.json
            #expect(list["items"]?.arrayValue?.compactMap { $0[path: ["metadata", "name"]]?.stringValue } == ["y"])
        }
    }

    @Test("a Job with restartPolicy Always is refused like the real server refuses it")
    func builtinValidation() async throws {
        try await withCluster { cluster in
            let out = try await cluster.kubectl("apply", "-n", "golden", "-f", "-", stdin: """
                apiVersion: batch/v1
                kind: Job
                metadata: {name: bad}
                spec:
                  template:
                    spec:
                      restartPolicy: Always
                      containers: [{name: c, image: busybox}]
                """)
            #expect(out.stderr.contains("spec.template.spec.restartPolicy: Required value: valid values: \"OnFailure\", \"Never\""))
        }
    }
}
