import KubeCore
import Testing

@testable import KubeTestServerCore

@Suite("CEL field access, indexing and has()")
struct CELAccessTests {
    static let object: JSON = [
        "name": "web",
        "replicas": 3,
        "ratio": 0.5,
        "labels": ["app": "web", "tier": "frontend"],
        "ports": [80, 443],
        "nested": ["inner": ["deep": true]],
        "nothing": nil,
        "foo-bar": "dashed",
        "namespace": "ns",
        "a.b": "dotted",
    ]
    static let vars: [String: JSON] = ["self": object]

    static let cases: [CELCase] = [
        CELCase("self.name", "web", vars),
        CELCase("self.replicas", 3, vars),
        CELCase("self.ratio", 0.5, vars),
        CELCase("self.labels.app", "web", vars),
        CELCase("self.nested.inner.deep", true, vars),
        CELCase("self.missing", error: "no such key: missing", vars),
        CELCase("self.nested.inner.missing", error: "no such key: missing", vars),
        CELCase("self.nothing", nil, vars),
        CELCase("self.nothing == null", true, vars),
        CELCase("self.nothing.x", error: "no such overload", vars),
        CELCase("self.name.x", error: "no such overload", vars),
        CELCase("self['name']", "web", vars),
        CELCase("self.labels['tier']", "frontend", vars),
        CELCase("self.labels['nope']", error: "no such key: nope", vars),
        CELCase("self.ports[0]", 80, vars),
        CELCase("self.ports[1u]", 443, vars),
        CELCase("self.ports[1.0]", 443, vars),
        CELCase("self.ports[2]", error: "index '2' out of range in list size '2'", vars),
        CELCase("self.ports[-1]", error: "index '-1' out of range in list size '2'", vars),
        CELCase("self.ports['a']", error: "unsupported index type 'string' in list", vars),
        CELCase("{1: 'one'}[1.0]", "one"),
        CELCase("{1: 'one'}[2]", error: "no such key: 2"),
        CELCase("has(self.name)", true, vars),
        CELCase("has(self.missing)", false, vars),
        CELCase("has(self.nothing)", true, vars),  // present with a null value
        CELCase("has(self.nested.inner.deep)", true, vars),
        CELCase("has(self.nested.other.deep)", error: "no such key: other", vars),
        CELCase("has(self.labels.app)", true, vars),
        CELCase("!has(self.missing) || self.missing > 0", true, vars),
        // Kubernetes' escaping of property names that are not CEL identifiers.
        CELCase("self.foo__dash__bar", "dashed", vars),
        CELCase("self.__namespace__", "ns", vars),
        CELCase("self.a__dot__b", "dotted", vars),
        CELCase("has(self.foo__dash__bar)", true, vars),
        CELCase("self.`foo-bar`", "dashed", vars),
        CELCase("oldSelf", error: "undeclared reference to 'oldSelf' (in container '')", vars),
        CELCase("self", object, vars),
        // Optional field access (Kubernetes enables CEL optionals).
        CELCase("self.?missing.orValue('dflt')", "dflt", vars),
        CELCase("self.?name.orValue('dflt')", "web", vars),
        CELCase("self.?nested.?inner.?deep.orValue(false)", true, vars),
        CELCase("self.?missing.inner.hasValue()", false, vars),
        CELCase("self.labels[?'tier'].hasValue()", true, vars),
        CELCase("self.ports[?5].orValue(0)", 0, vars),
        CELCase("optional.none().value()", error: "optional.none() dereference"),
        CELCase("optional.of(1).value()", 1),
        CELCase("optional.ofNonZeroValue('').hasValue()", false),
        CELCase("optional.none().or(optional.of(2)).value()", 2),
        CELCase("[1, ?optional.none(), ?optional.of(3)]", [1, 3]),
        CELCase("{'a': 1, ?'b': optional.none()}", ["a": 1]),
    ]

    @Test(arguments: cases) func access(_ c: CELCase) { check(c) }
}
