import KubeCore
import Testing

@Suite("bad manifests table")
struct BadManifestTests {
    @Test func tableIsLargeAndNamesAreUnique() {
        #expect(BadManifests.all.count >= 25)
        #expect(Set(BadManifests.all.map(\.name)).count == BadManifests.all.count)
        #expect(BadManifests.all.contains { $0.check == .cel })
        #expect(BadManifests.all.contains { $0.previous != nil })
    }

    @Test(arguments: BadManifests.all)
    func parsesAsOneObjectOfAKnownKind(_ bad: BadManifest) throws {
        for text in [bad.yaml] + (bad.previous.map { [$0] } ?? []) {
            let documents = try JSON.parseYAMLDocuments(text)
            #expect(documents.count == 1)
            let kind = try #require(documents.first?["kind"]?.stringValue)
            #expect(CRDs.schema(kind: kind) != .null)
        }
    }

    /// Schema entries fail our schema checker at exactly the named field (and nowhere else);
    /// CEL entries pass the schema, so that the server reaches their rule.
    @Test(arguments: BadManifests.all)
    func failsWhereItSays(_ bad: BadManifest) throws {
        let object = try JSON.parseYAML(bad.yaml)
        let schema = CRDs.schema(kind: object["kind"]?.stringValue ?? "")
        let problems = SchemaChecker.check(object, against: schema)
        switch bad.check {
        case .schema:
            #expect(problems.count == 1, "\(problems)")
            #expect(problems.first?.field == bad.field)
            #expect(problems.first?.reason == bad.reason)
            #expect(problems.first?.message.contains(bad.message) == true, "\(problems.first?.message ?? "")")
        case .cel:
            #expect(problems == [])
            if let previous = bad.previous {
                #expect(SchemaChecker.check(try JSON.parseYAML(previous), against: schema) == [])
            }
        }
    }

    /// A CEL entry's message is one of the rules' messages, so the table and the CRDs cannot drift.
    @Test func celMessagesAreRuleMessages() {
        let messages = Set(CELRulesTests.expected.map(\.message))
        for bad in BadManifests.all where bad.check == .cel {
            #expect(messages.contains(bad.message), "\(bad.name)")
        }
    }
}
