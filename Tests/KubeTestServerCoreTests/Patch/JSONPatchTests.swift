import KubeCore
import Testing
@testable import KubeTestServerCore

/// RFC 6902 Appendix A, plus the failures the API server reports as 400 or 422.
struct JSONPatchTests {
    struct Case: Sendable, CustomStringConvertible {
        var name: String
        var doc: String
        var patch: String
        var expected: String
        var description: String { name }
    }

    static let cases: [Case] = [
        Case(name: "A.1 add object member", doc: #"{"foo":"bar"}"#,
             patch: #"[{"op":"add","path":"/baz","value":"qux"}]"#, expected: #"{"baz":"qux","foo":"bar"}"#),
        Case(name: "A.2 add array element", doc: #"{"foo":["bar","baz"]}"#,
             patch: #"[{"op":"add","path":"/foo/1","value":"qux"}]"#, expected: #"{"foo":["bar","qux","baz"]}"#),
        Case(name: "A.3 remove object member", doc: #"{"baz":"qux","foo":"bar"}"#,
             patch: #"[{"op":"remove","path":"/baz"}]"#, expected: #"{"foo":"bar"}"#),
        Case(name: "A.4 remove array element", doc: #"{"foo":["bar","qux","baz"]}"#,
             patch: #"[{"op":"remove","path":"/foo/1"}]"#, expected: #"{"foo":["bar","baz"]}"#),
        Case(name: "A.5 replace", doc: #"{"baz":"qux","foo":"bar"}"#,
             patch: #"[{"op":"replace","path":"/baz","value":"boo"}]"#, expected: #"{"baz":"boo","foo":"bar"}"#),
        Case(name: "A.6 move value", doc: #"{"foo":{"bar":"baz","waldo":"fred"},"qux":{"corge":"grault"}}"#,
             patch: #"[{"op":"move","from":"/foo/waldo","path":"/qux/thud"}]"#,
             expected: #"{"foo":{"bar":"baz"},"qux":{"corge":"grault","thud":"fred"}}"#),
        Case(name: "A.7 move array element", doc: #"{"foo":["all","grass","cows","eat"]}"#,
             patch: #"[{"op":"move","from":"/foo/1","path":"/foo/3"}]"#, expected: #"{"foo":["all","cows","eat","grass"]}"#),
        Case(name: "A.8 test success", doc: #"{"baz":"qux","foo":["a",2,"c"]}"#,
             patch: #"[{"op":"test","path":"/baz","value":"qux"},{"op":"test","path":"/foo/1","value":2}]"#,
             expected: #"{"baz":"qux","foo":["a",2,"c"]}"#),
        Case(name: "A.10 add nested member", doc: #"{"foo":"bar"}"#,
             patch: #"[{"op":"add","path":"/child","value":{"grandchild":{}}}]"#,
             expected: #"{"child":{"grandchild":{}},"foo":"bar"}"#),
        Case(name: "A.14 escaped pointer", doc: #"{"/":9,"~1":10}"#,
             patch: #"[{"op":"test","path":"/~01","value":10}]"#, expected: #"{"/":9,"~1":10}"#),
        Case(name: "A.16 add array value", doc: #"{"foo":["bar"]}"#,
             patch: #"[{"op":"add","path":"/foo/-","value":["abc","def"]}]"#, expected: #"{"foo":["bar",["abc","def"]]}"#),
        Case(name: "copy", doc: #"{"a":{"b":1}}"#,
             patch: #"[{"op":"copy","from":"/a","path":"/c"}]"#, expected: #"{"a":{"b":1},"c":{"b":1}}"#),
        Case(name: "test then replace (golden: test op that holds)", doc: #"{"spec":{"replicas":4}}"#,
             patch: #"[{"op":"test","path":"/spec/replicas","value":4},{"op":"replace","path":"/spec/replicas","value":6}]"#,
             expected: #"{"spec":{"replicas":6}}"#),
        Case(name: "test compares numbers by value", doc: #"{"n":1}"#,
             patch: #"[{"op":"test","path":"/n","value":1.0}]"#, expected: #"{"n":1}"#),
    ]

    @Test(arguments: cases)
    func appliesRFCExamples(_ c: Case) throws {
        let result = try JSONPatch.apply(try JSON.parse(c.patch), to: try JSON.parse(c.doc))
        #expect(result == (try JSON.parse(c.expected)))
    }

    struct Failure: Sendable, CustomStringConvertible {
        var name: String
        var doc: String
        var patch: String
        var kind: PatchError.Kind
        var message: String
        var description: String { name }
    }

    static let failures: [Failure] = [
        Failure(name: "A.9 failed test", doc: #"{"spec":{"replicas":4}}"#,
                patch: #"[{"op":"test","path":"/spec/replicas","value":999}]"#,
                kind: .invalid, message: "testing value /spec/replicas failed: test failed"),
        Failure(name: "A.12 add to nonexistent target", doc: #"{"foo":"bar"}"#,
                patch: #"[{"op":"add","path":"/baz/bat","value":"qux"}]"#,
                kind: .invalid, message: #"add operation does not apply: doc is missing path: "/baz/bat": missing value"#),
        Failure(name: "remove missing", doc: #"{"foo":"bar"}"#, patch: #"[{"op":"remove","path":"/nope"}]"#,
                kind: .invalid, message: #"remove operation does not apply: doc is missing path: "/nope": missing value"#),
        Failure(name: "replace missing", doc: #"{"foo":"bar"}"#, patch: #"[{"op":"replace","path":"/nope","value":1}]"#,
                kind: .invalid, message: "replace operation does not apply: doc is missing key: /nope: missing value"),
        Failure(name: "index out of range", doc: #"{"a":[1]}"#, patch: #"[{"op":"add","path":"/a/5","value":1}]"#,
                kind: .invalid, message: "Unable to access invalid index: 5: invalid index referenced"),
        Failure(name: "leading zero index", doc: #"{"a":[1,2]}"#, patch: #"[{"op":"remove","path":"/a/01"}]"#,
                kind: .invalid, message: "Unable to access invalid index: 01: invalid index referenced"),
        Failure(name: "A.13 unknown op", doc: #"{"foo":"bar"}"#, patch: #"[{"op":"bogus","path":"/foo"}]"#,
                kind: .invalid, message: "Unexpected kind: bogus"),
        Failure(name: "pointer without slash", doc: #"{"foo":"bar"}"#, patch: #"[{"op":"remove","path":"foo"}]"#,
                kind: .invalid, message: #"JSON pointer must be empty or start with a "/": foo"#),
        Failure(name: "not a list", doc: #"{"foo":"bar"}"#, patch: #"{"op":"remove","path":"/foo"}"#,
                kind: .badRequest, message: "json: cannot unmarshal object into Go value of type jsonpatch.Patch"),
    ]

    @Test(arguments: failures)
    func reportsFailures(_ f: Failure) throws {
        let doc = try JSON.parse(f.doc)
        let patch = try JSON.parse(f.patch)
        #expect(throws: PatchError(f.kind, f.message)) { try JSONPatch.apply(patch, to: doc) }
    }

    @Test func failureLeavesNoPartialResult() throws {
        // The first op would succeed; the second fails, and the caller keeps its original.
        let doc: JSON = ["a": 1]
        let patch = try JSON.parse(#"[{"op":"replace","path":"/a","value":2},{"op":"test","path":"/a","value":3}]"#)
        #expect(throws: PatchError.self) { try JSONPatch.apply(patch, to: doc) }
        #expect(doc == ["a": 1])
    }
}
