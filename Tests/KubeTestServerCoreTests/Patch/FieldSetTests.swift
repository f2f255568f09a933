import KubeCore
import Testing
@testable import KubeTestServerCore

struct FieldSetTests {
    @Test func fieldsV1RoundTrips() throws {
        let encoded = try JSON.parse(#"""
        {"f:metadata":{"f:finalizers":{".":{},"v:\"a\"":{}}},
         "f:spec":{".":{},"f:containers":{"k:{\"name\":\"x\"}":{".":{},"f:image":{}}},"f:replicas":{}}}
        """#)
        let set = FieldSet(fieldsV1: encoded)
        #expect(set.fieldsV1 == encoded)
        // structured-merge-diff's iteration order: a level's members, then its children.
        #expect(set.paths.map(\.display) == [
            ".spec", ".metadata.finalizers", #".metadata.finalizers[="a"]"#, ".spec.replicas",
            #".spec.containers[name="x"]"#, #".spec.containers[name="x"].image"#,
        ])
        #expect(set.contains([.field("spec"), .field("replicas")]))
        #expect(!set.contains([.field("metadata")]))
    }

    @Test func malformedNamesAreSkipped() {
        let set = FieldSet(fieldsV1: ["f:ok": [:], "zz:bad": [:], "k:{not json": [:]])
        #expect(set.fieldsV1 == ["f:ok": [:]])
    }

    @Test func keysAreCanonicalJSON() {
        let e = PathElement.key(["protocol": "TCP", "containerPort": 8080.0])
        #expect(e.encoded == #"k:{"containerPort":8080,"protocol":"TCP"}"#)
        #expect(e.display == #"[containerPort=8080,protocol="TCP"]"#)
        #expect(PathElement(encoded: e.encoded) == .key(["containerPort": 8080, "protocol": "TCP"]))
    }

    @Test func setAlgebra() {
        var a = FieldSet()
        a.insert([.field("spec"), .field("a")])
        a.insert([.field("spec"), .field("b")])
        var b = FieldSet()
        b.insert([.field("spec"), .field("b")])
        b.insert([.field("spec")])
        #expect(a.intersection(b).paths == [[.field("spec"), .field("b")]])
        #expect(a.subtracting(b).paths == [[.field("spec"), .field("a")]])
        #expect(a.union(b).paths.count == 3)
        // Removing a member keeps its children (Difference, not RecursiveDifference).
        #expect(b.subtracting(a).paths == [[.field("spec")]])
    }
}
