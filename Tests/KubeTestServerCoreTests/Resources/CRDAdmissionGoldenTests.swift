import KubeCore
import KubeTestServerCore
import Testing

/// CustomResourceDefinition admission replayed from exchanges recorded on a real v1.36 API
/// server (Fixtures/kube-golden 012, 085–116): the test server must refuse exactly the CRDs the
/// real one refuses, with the same Status, and accept the rest.
@Suite struct CRDAdmissionGoldenTests {
    /// Replays golden `number` on a fresh server and expects the recorded refusal.
    func expectRefused(_ number: Int, unorderedCauses: Bool = false,
                       sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let golden = try GoldenExchange(number)
        let api = APIServer()
        defer { api.shutdown() }
        let answer = await golden.replay(on: api)
        answer.expectSameStatus(as: golden, unorderedCauses: unorderedCauses, sourceLocation: sourceLocation)
    }

    /// Replays golden `number` on a fresh server and expects it accepted, and then served.
    func expectAccepted(_ number: Int, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let golden = try GoldenExchange(number)
        let api = APIServer()
        defer { api.shutdown() }
        let answer = await golden.replay(on: api)
        answer.expectCreated(as: golden, sourceLocation: sourceLocation)
        let spec = golden.requestBody["spec"] ?? [:]
        let groupVersion = "\(spec["group"]?.stringValue ?? "")/\(spec[path: ["versions"]]?.arrayValue?.first?["name"]?.stringValue ?? "")"
        let stored = api.registry.resource(groupVersion: groupVersion, plural: spec[path: ["names", "plural"]]?.stringValue ?? "") != nil
        let dryRun = golden.recorded[path: ["request", "params", "dryRun"]] != nil
        #expect(stored != dryRun, "\(golden.file): served \(stored), dryRun \(dryRun)", sourceLocation: sourceLocation)
    }

    /// The scenario's first CRD: defaults, enum, bounds, pattern, rules with fieldPath, a
    /// transition rule on a correlatable property, a list-type map.
    @Test func golden012GizmoCRDAccepted() async throws { try await expectAccepted(12) }

    // MARK: defaults validated against their own schema and CEL rules, as written (085–089)

    @Test func golden085DefaultValidatedWithoutNestedDefaults() async throws { try await expectRefused(85) }
    @Test func golden086RuleWithoutMessageIsQuoted() async throws { try await expectRefused(86) }
    @Test func golden087DefaultRejectedByRuleHonoursFieldPath() async throws { try await expectRefused(87) }
    @Test func golden088DefaultCarryingTheKeyIsAccepted() async throws { try await expectAccepted(88) }
    @Test func golden089EmptyDefaultWithoutRuleIsAccepted() async throws { try await expectAccepted(89) }

    // MARK: defaults applied to custom resources (090–092)

    /// A server with the namespace and the two CRDs of 088 and 089, as the recording had.
    func rolloutsServer() async throws -> APIServer {
        let api = APIServer()
        let namespace: JSON = ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": "golden2-crd"]]
        let created = await api.handle(APIRequest(method: "POST", path: "/api/v1/namespaces",
                                                  headers: ["content-type": "application/json"],
                                                  body: namespace.serialized(), user: GoldenAnswer.admin))
        #expect(created.status == 201)
        for number in [88, 89] {
            let answer = try await GoldenExchange(number).replay(on: api)
            #expect(answer.status == 201, "\(answer.body)")
        }
        return api
    }

    /// Replays golden `number` (a custom resource create) and expects the recorded spec, defaults included.
    func expectCreatedWithRecordedSpec(_ number: Int, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let api = try await rolloutsServer()
        defer { api.shutdown() }
        let golden = try GoldenExchange(number)
        let answer = await golden.replay(on: api)
        answer.expectCreated(as: golden, sourceLocation: sourceLocation)
        #expect(answer.body["spec"] == golden.responseBody["spec"], sourceLocation: sourceLocation)
    }

    @Test func golden090ObjectDefaultAppliedToCustomResource() async throws { try await expectCreatedWithRecordedSpec(90) }
    @Test func golden091NestedDefaultsApplyInsideEmptyObjectDefault() async throws { try await expectCreatedWithRecordedSpec(91) }

    @Test func golden092RuleRunsAfterDefaultsOnCustomResource() async throws {
        let api = try await rolloutsServer()
        defer { api.shutdown() }
        let golden = try GoldenExchange(92)
        let answer = await golden.replay(on: api)
        answer.expectSameStatus(as: golden)
    }

    // MARK: CEL rules the schema cannot support (097–098)

    @Test func golden097OldSelfOnUncorrelatableItems() async throws { try await expectRefused(97) }
    @Test func golden098FieldPathNamingNoField() async throws { try await expectRefused(98) }

    // MARK: defaults that break type, enum, pattern, maximum (102–106)

    @Test func golden102DefaultOfWrongType() async throws { try await expectRefused(102) }
    @Test func golden103DefaultOutsideEnum() async throws { try await expectRefused(103) }
    @Test func golden104DefaultNotMatchingPattern() async throws { try await expectRefused(104) }
    @Test func golden105DefaultAboveMaximum() async throws { try await expectRefused(105) }
    /// The real server lists the three causes in Go map order, which varies per request.
    @Test func golden106SeveralBadDefaults() async throws { try await expectRefused(106, unorderedCauses: true) }

    // MARK: non-structural schemas (107–109)

    @Test func golden107PropertyWithoutType() async throws { try await expectRefused(107) }
    @Test func golden108AdditionalPropertiesWithProperties() async throws { try await expectRefused(108) }
    @Test func golden109ArrayWithoutItems() async throws { try await expectRefused(109) }

    // MARK: list-map keys (110–112)

    @Test func golden110ListMapKeyNeitherRequiredNorDefaulted() async throws { try await expectRefused(110) }
    @Test func golden111ListMapKeyNotAnItemProperty() async throws { try await expectRefused(111) }
    @Test func golden112ListMapKeysRequiredOrDefaultedDryRun() async throws { try await expectAccepted(112) }

    // MARK: the project's CRDs (113–116)

    /// Two object defaults whose rules read keys their nested defaults would supply; the real
    /// server walks properties in Go map order, which put strategy first in the recording (and
    /// is alphabetical, as ours is).
    @Test func golden113ProjectModelDeploymentsWithEmptyObjectDefaults() async throws { try await expectRefused(113) }
    @Test func golden114ProjectTrainingJobs() async throws { try await expectAccepted(114) }
    @Test func golden115ProjectRetrainPolicies() async throws { try await expectAccepted(115) }
    @Test func golden116ProjectModelDeploymentsWithFilledDefaults() async throws { try await expectAccepted(116) }
}
