import Foundation
@testable import KubeCore
import Testing

/// `ObjectMeta` and `Condition` read straight from a tree (`TreeFields`) when they can, and
/// through Codable otherwise. Either way the result, and the error, is Foundation's.
@Suite struct TreeFieldsTests {
    /// Every `metadata` object and every `conditions` list in the exchanges recorded from a real
    /// API server, with where it was found.
    static func recorded() throws -> (metas: [(String, JSON)], conditions: [(String, JSON)]) {
        var metas: [(String, JSON)] = []
        var conditions: [(String, JSON)] = []
        func walk(_ value: JSON, _ place: String) {
            switch value {
            case let .object(members):
                for (key, member) in members {
                    if key == "metadata", case .object = member { metas.append((place + ".metadata", member)) }
                    if key == "conditions", case .array = member { conditions.append((place + ".conditions", member)) }
                    walk(member, place + "." + key)
                }
            case let .array(elements):
                for (i, element) in elements.enumerated() { walk(element, place + "[\(i)]") }
            case let .string(text) where text.hasPrefix("{"):
                // A body recorded as text (a list).
                if let parsed = try? JSON.parse(text) { walk(parsed, place) }
            default: break
            }
        }
        for file in JSONParserTests.goldenFiles {
            walk(try JSON.parse(Array(try Data(contentsOf: file))), file.lastPathComponent)
        }
        return (metas, conditions)
    }

    /// The tree decode against Foundation's decoder on the same value: equal, or both refuse at
    /// the same coding path.
    static func agree<T: Decodable & Equatable>(_ type: T.Type, _ value: JSON, _ place: String) {
        let foundation = Result(catching: { try JSONDecoder().decode(T.self, from: Data(value.serialized())) })
        let tree = Result(catching: { try value.decodeTree(as: T.self) })
        switch (foundation, tree) {
        case let (.success(a), .success(b)):
            #expect(a == b, "\(place)")
        case let (.failure(a as DecodingError), .failure(b as DecodingError)):
            #expect(JSONTreeCoderTests.codingPath(a) == JSONTreeCoderTests.codingPath(b), "\(place)")
        default:
            Issue.record("\(place): Foundation \(foundation), tree \(tree)")
        }
    }

    @Test("every recorded metadata and condition list reads as Foundation reads it, most through the fast path")
    func recordedObjects() throws {
        let (metas, conditions) = try Self.recorded()
        #expect(metas.count > 300 && conditions.count > 20)
        var fast = 0
        for (place, meta) in metas {
            Self.agree(ObjectMeta.self, meta, place)
            if let members = meta.objectValue, let read = try? ObjectMeta(TreeFields(members: members)) {
                fast += 1
                #expect(read == (try? JSONDecoder().decode(ObjectMeta.self, from: Data(meta.serialized()))), "\(place)")
            }
        }
        #expect(fast == metas.count, "every recorded metadata is read by the fast path")
        // Nothing is lost on the way in: written out again (the synthesized encoder writes every
        // stored property), each decoded metadata has every recorded member but the two it drops
        // on purpose. A field a decode path forgot would be missing here.
        // Objects' metadata only: schemas and list metadata have a "metadata" member too.
        let objectMetas = metas.filter { _, meta in
            (meta["name"] != nil || meta["generateName"] != nil) && meta["type"] == nil && meta["description"] == nil
        }
        #expect(objectMetas.count > 200)
        for (place, meta) in objectMetas {
            guard let decoded = try? meta.decodeTree(as: ObjectMeta.self) else { continue }
            Self.keepsEverything(decoded, meta, dropped: ["managedFields", "selfLink"], place)
        }
        var fastConditions = 0
        for (place, list) in conditions {
            Self.agree([Condition].self, list, place)
            for item in list.arrayValue ?? [] {
                guard let members = item.objectValue, let read = try? Condition(TreeFields(members: members)) else { continue }
                fastConditions += 1
                #expect(read == (try? JSONDecoder().decode(Condition.self, from: Data(item.serialized()))), "\(place)")
            }
        }
        #expect(fastConditions > 0)
        for (place, list) in conditions {
            for item in list.arrayValue ?? [] {
                guard let decoded = try? item.decodeTree(as: Condition.self) else { continue }
                // Deployment and Pod conditions carry two times metav1.Condition does not have.
                Self.keepsEverything(decoded, item, dropped: ["lastUpdateTime", "lastProbeTime"], place)
            }
        }
    }

    /// `decoded`, encoded again, holds every member of `recorded` (but `dropped`) with its value.
    static func keepsEverything<T: Encodable>(_ decoded: T, _ recorded: JSON, dropped: Set<String>, _ place: String) {
        guard let written = try? JSONTreeEncoder().encode(decoded), let members = recorded.objectValue else {
            Issue.record("\(place): not written again")
            return
        }
        for (key, value) in members where !dropped.contains(key) && !value.isNull {
            #expect(written[key] == value, "\(place).\(key)")
        }
    }

    @Test("what the fast path does not read takes the Codable path, which refuses it as Foundation does", arguments: [
        #"{"name":5}"#, #"{"generation":"3"}"#, #"{"creationTimestamp":"yesterday"}"#,
        #"{"labels":{"a":1}}"#, #"{"annotations":[]}"#, #"{"finalizers":[null]}"#,
        #"{"ownerReferences":[{"apiVersion":"v1","kind":"Pod","name":"p"}]}"#,
        #"{"ownerReferences":[{"apiVersion":"v1","kind":"Pod","name":"p","uid":"u","controller":"yes"}]}"#,
        #"{"ownerReferences":{}}"#,
    ])
    func badMetadata(_ text: String) throws {
        let value = try JSON.parse(text)
        #expect(throws: TreeFields.Unreadable.self) { _ = try ObjectMeta(TreeFields(members: value.objectValue ?? [:])) }
        Self.agree(ObjectMeta.self, value, text)
    }

    @Test("metadata the fast path reads: nulls are absent, a whole double is an integer, unknown keys are ignored")
    func goodMetadata() throws {
        let text = #"{"name":"a","namespace":null,"generation":2.0,"labels":{},"managedFields":[{"manager":"x"}],"selfLink":"/x","ownerReferences":[{"apiVersion":"v1","kind":"Pod","name":"p","uid":"u","controller":true}]}"#
        let value = try JSON.parse(text)
        let fast = try ObjectMeta(TreeFields(members: value.objectValue ?? [:]))
        #expect(fast == (try JSONDecoder().decode(ObjectMeta.self, from: Data(text.utf8))))
        #expect(fast.generation == 2 && fast.namespace == nil && fast.labels == [:] && fast.controllerReference?.name == "p")
        // A fraction is no generation on either path (Foundation's error carries no coding path
        // there, the tree decoder's names the field).
        let fraction = try JSON.parse(#"{"generation":1.5}"#)
        #expect(throws: TreeFields.Unreadable.self) { _ = try ObjectMeta(TreeFields(members: fraction.objectValue ?? [:])) }
        #expect(throws: DecodingError.self) { _ = try fraction.decodeTree(as: ObjectMeta.self) }
        #expect(throws: DecodingError.self) { _ = try JSONDecoder().decode(ObjectMeta.self, from: Data(fraction.serialized())) }
    }

    @Test("a condition the fast path does not read is refused as Foundation refuses it", arguments: [
        #"{"type":"Ready","status":"Maybe","lastTransitionTime":"2026-12-07T10:00:00Z","reason":"R","message":""}"#,
        #"{"type":"Ready","status":"True","lastTransitionTime":"2026-12-07T10:00:00Z","reason":"R"}"#,
        #"{"type":"Ready","status":"True","lastTransitionTime":"now","reason":"R","message":""}"#,
        #"{"type":"Ready","status":"True","lastTransitionTime":"2026-12-07T10:00:00Z","reason":"R","message":"","observedGeneration":"1"}"#,
        #"{"status":"True","lastTransitionTime":"2026-12-07T10:00:00Z","reason":"R","message":""}"#,
    ])
    func badCondition(_ text: String) throws {
        let value = try JSON.parse(text)
        #expect(throws: TreeFields.Unreadable.self) { _ = try Condition(TreeFields(members: value.objectValue ?? [:])) }
        Self.agree(Condition.self, value, text)
        Self.agree([Condition].self, .array([value]), text)
    }
}
