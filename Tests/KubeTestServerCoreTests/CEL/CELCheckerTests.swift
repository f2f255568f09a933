import KubeCore
@testable import KubeTestServerCore
import Testing

/// Type checking of rules against the type of their schema node, as cel-go checks them when a
/// CRD is written. Golden 094-096 pin three messages end to end (CRDRuleCompilationTests); these
/// cover the other rules of cel-go's checker with the messages and positions its errors.go gives.
@Suite("CEL type checking")
struct CELCheckerTests {
    /// `spec` of a small CRD: scalars of each type and format, a list, a map, an object, an
    /// int-or-string, a preserved object.
    static let schema: JSON = [
        "type": "object",
        "properties": [
            "name": ["type": "string", "maxLength": 63],
            "replicas": ["type": "integer"],
            "ratio": ["type": "number"],
            "enabled": ["type": "boolean"],
            "timeout": ["type": "string", "format": "duration"],
            "created": ["type": "string", "format": "date-time"],
            "blob": ["type": "string", "format": "byte"],
            "port": ["x-kubernetes-int-or-string": true],
            "names": ["type": "array", "maxItems": 10, "items": ["type": "string", "maxLength": 10]],
            "weights": ["type": "array", "items": ["type": "integer"]],
            "labels": ["type": "object", "additionalProperties": ["type": "string"]],
            "owner": ["type": "object", "properties": ["team": ["type": "string"], "namespace": ["type": "string"]]],
            "template": ["type": "object", "x-kubernetes-preserve-unknown-fields": true],
            "free": ["x-kubernetes-preserve-unknown-fields": true],
        ],
    ]

    /// The checked rule's type, or the compile errors as cel-go prints them.
    static func check(_ rule: String, optionalOldSelf: Bool = false) throws -> Result<CELType, CELError> {
        let node = try StructuralSchema(schema)
        let type = try #require(node.celDeclType(isResourceRoot: false)).named("selfType1")
        var objects: [String: CELDeclType] = [:]
        type.objectTypes(into: &objects)
        let old = optionalOldSelf ? CELType.optional(type.celType) : type.celType
        let env = CELEnvironment(variables: ["self": type.celType, "oldSelf": old], objectTypes: objects)
        do {
            return .success(try CELChecker.check(try CELExpression(rule), env: env).type)
        } catch {
            return .failure(error)
        }
    }

    @Test(arguments: [
        "self.replicas > 1.5",  // cross-type numeric comparison, as Kubernetes enables it
        "self.name in ['a', 'b'] && self.name.startsWith('a')",
        "self.labels.all(k, self.labels[k].size() < 64)",
        "self.labels.exists(k, v, v == 'x')",
        "self.names.exists_one(n, n == self.name)",
        "self.names.filter(n, n.endsWith('x')).size() <= 1",
        "self.weights.map(w, w * 2).sum() == 100",
        "self.names.isSorted() && self.weights.max() < 10",
        "self.timeout > duration('1s') && self.created < timestamp('2030-01-01T00:00:00Z')",
        "size(self.blob) < 10",
        "type(self.port) == int ? self.port > 0 : self.port.matches('^[0-9]+%$')",
        "has(self.owner) && has(self.owner.team) && self.owner.__namespace__ != ''",
        "has(self.template)",
        "self.?name.orValue('') == '' || self.name.lowerAscii() == self.name",
        "cel.bind(r, self.replicas, r >= 0 && r <= 10)",
        "self.name.split('-').all(part, part.size() > 0)",
        "'%s has %d replicas'.format([self.name, string(self.replicas)]) != ''",
        "self.ratio * 2.0 <= 1.0 && int(self.ratio) == 0",
        "self == oldSelf",
        "self.names.indexOf('x') < 0",
        "self.names.distinct().size() == self.names.size() && self.names.sort() == self.names",
        "self.names.first().orValue('') != 'x' && lists.range(3).reverse().slice(0, 1) == [2]",
    ])
    func compiles(_ rule: String) throws {
        #expect(try Self.check(rule) == .success(.bool))
    }

    @Test func optionalOldSelfIsAnOptional() throws {
        #expect(try Self.check("!oldSelf.hasValue() || oldSelf.value().replicas <= self.replicas", optionalOldSelf: true) == .success(.bool))
    }

    @Test(arguments: [
        ("self.name.contains(1)", "ERROR: <input>:1:19: found no matching overload for 'contains' applied to 'string.(int)'\n | self.name.contains(1)\n | ..................^"),
        ("size(self.replicas) > 0", "ERROR: <input>:1:5: found no matching overload for 'size' applied to '(int)'\n | size(self.replicas) > 0\n | ....^"),
        ("self.names.all(n, n)", "ERROR: <input>:1:19: expected type 'bool' but found 'string'\n | self.names.all(n, n)\n | ..................^"),
        ("self.replicas.value > 0", "ERROR: <input>:1:14: type 'int' does not support field selection\n | self.replicas.value > 0\n | .............^"),
        ("self.replicas.all(r, true)", "ERROR: <input>:1:5: expression of type 'int' cannot be range of a comprehension (must be list, map, or dynamic)\n | self.replicas.all(r, true)\n | ....^"),
        ("nope > 1", "ERROR: <input>:1:1: undeclared reference to 'nope' (in container '')\n | nope > 1\n | ^"),
        ("self.template.x == 1", "ERROR: <input>:1:14: undefined field 'x'\n | self.template.x == 1\n | .............^"),
        ("self.free.x == 1", "ERROR: <input>:1:5: undefined field 'free'\n | self.free.x == 1\n | ....^"),
        ("self.name == 'a' || self.replicas", "ERROR: <input>:1:25: expected type 'bool' but found 'int'\n | self.name == 'a' || self.replicas\n | ........................^"),
        // A CEL keyword is a field name only escaped (`__namespace__`): Kubernetes does not map it back.
        ("self.owner.namespace == 'ml'", "ERROR: <input>:1:11: undefined field 'namespace'\n | self.owner.namespace == 'ml'\n | ..........^"),
        ("self.names.exists_one(n, n.size())", "ERROR: <input>:1:22: found no matching overload for '_?_:_' applied to '(int, int, int)'\n | self.names.exists_one(n, n.size())\n | .....................^"),
        // Strings extension v2 has no string reverse; the lists extension's is for lists.
        ("self.name.reverse() == ''", "ERROR: <input>:1:18: found no matching overload for 'reverse' applied to 'string.()'\n | self.name.reverse() == ''\n | .................^"),
        ("self.name.frobnicate()", "ERROR: <input>:1:21: undeclared reference to 'frobnicate' (in container '')\n | self.name.frobnicate()\n | ....................^"),
    ])
    func refused(_ rule: String, _ message: String) throws {
        #expect(try Self.check(rule) == .failure(CELError(message)))
    }

    @Test func errorsComeInSourceOrderAcrossLines() throws {
        #expect(try Self.check("self.nah == 1 &&\n  self.nope == 2") == .failure(CELError("""
            ERROR: <input>:1:5: undefined field 'nah'
             | self.nah == 1 &&
             | ....^
            ERROR: <input>:2:7: undefined field 'nope'
             |   self.nope == 2
             | ......^
            """)))
    }

    @Test func ruleTypesAreWhatTheyEvaluateTo() throws {
        #expect(try Self.check("self.replicas") == .success(.int))
        #expect(try Self.check("self.port") == .success(.dyn))
        #expect(try Self.check("self.names.map(n, n.size())") == .success(.list(.int)))
        #expect(try Self.check("self.labels") == .success(.map(.string, .string)))
        #expect(try Self.check("self.owner") == .success(.object("selfType1.owner")))
    }
}
