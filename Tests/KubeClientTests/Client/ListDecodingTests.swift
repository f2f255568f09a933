import Foundation
import KubeCore
import Testing
@testable import KubeClient

/// What the client accepts, from the bytes a real v1.36 API server sent (golden 118, in
/// KubeTestServerCoreTests' fixtures): list items of built-in kinds carry no apiVersion/kind,
/// and one object our type cannot represent must not cost the others.
@Suite struct ListDecodingTests {
    static let client = try! KubeClient(configuration: ClientConfiguration(server: "https://127.0.0.1:1", source: "test"))

    /// The response body of a recorded exchange.
    static func golden(_ name: String) throws -> JSON {
        let fixtures = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("KubeTestServerCoreTests/Fixtures/kube-golden")
        let json = try JSON.parse(Array(try Data(contentsOf: fixtures.appendingPathComponent(name))))
        return json[path: ["response", "body"]] ?? .null
    }

    @Test func typedItemsOfABuiltInListGetApiVersionAndKind118() throws {
        let body = try Self.golden("118-list-configmaps.json")
        #expect(body["items"]?.arrayValue?.allSatisfy { $0["kind"] == nil && $0["apiVersion"] == nil } == true)
        let list = try Self.client.resource(ConfigMap.self).decodeList(body: body.serialized())
        #expect(list.items.map(\.metadata.name) == ["cm-a", "cm-b", "kube-root-ca.crt"])
        #expect(list.items.allSatisfy { $0.apiVersion == "v1" && $0.kind == "ConfigMap" })
        #expect(list.items.first?.data == ["key": "value-a"])
        #expect(list.resourceVersion == "1322")
        #expect(list.undecodable.isEmpty)
    }

    @Test func dynamicItemsOfABuiltInListGetTheListsType118() throws {
        let body = try Self.golden("118-list-configmaps.json")
        let list = try Self.client.dynamic(ResourceInfo(ConfigMap.self)).decodeList(body: body.serialized())
        #expect(list.items.count == 3)
        #expect(list.items.allSatisfy { $0["apiVersion"] == "v1" && $0["kind"] == "ConfigMap" })
    }

    @Test func aResourceThatDropsManagedFieldsListsWithoutThem118() throws {
        let body = try Self.golden("118-list-configmaps.json").serialized()
        var typed = Self.client.resource(ConfigMap.self)
        #expect(typed.dropsManagedFields)  // typed metadata has no place for them
        typed.dropsManagedFields = false
        #expect(try typed.decodeList(body: body).sources?.allSatisfy { $0[path: ["metadata", "managedFields"]] != nil } == true)
        typed.dropsManagedFields = true
        let list = try typed.decodeList(body: body)
        #expect(list.items.map(\.metadata.name) == ["cm-a", "cm-b", "kube-root-ca.crt"])
        #expect(list.sources?.count == 3 && list.sources?.allSatisfy { $0[path: ["metadata", "managedFields"]] == nil } == true)
        var dynamic = Self.client.dynamic(ResourceInfo(ConfigMap.self))
        #expect(!dynamic.dropsManagedFields)
        #expect(try dynamic.decodeList(body: body).items.allSatisfy { $0[path: ["metadata", "managedFields"]] != nil })
        dynamic.dropsManagedFields = true
        let items = try dynamic.decodeList(body: body).items
        #expect(items.count == 3 && items.allSatisfy { $0[path: ["metadata", "managedFields"]] == nil && $0["data"] != nil })
    }

    @Test func oneItemThatDoesNotDecodeIsLeftOutAndNamed() throws {
        var body = try Self.golden("118-list-configmaps.json")
        var items = body["items"]?.arrayValue ?? []
        items[1]["data"] = ["key": 5]
        body["items"] = .array(items)
        let list = try Self.client.resource(ConfigMap.self).decodeList(body: body.serialized())
        #expect(list.items.map(\.metadata.name) == ["cm-a", "kube-root-ca.crt"])
        #expect(list.undecodable.map(\.key) == ["golden2-lists/cm-b"])
        #expect(list.undecodable.first?.resourceVersion == "1312")
        #expect(list.undecodable.first?.kind == "ConfigMap")
        #expect(list.undecodable.first?.reason.hasPrefix("data.key: expected String") == true)
    }

    @Test func typedObjectsAcceptMissingTypeMetaEverywhere() throws {
        let configMaps = Self.client.resource(ConfigMap.self)
        let bare: JSON = ["metadata": ["name": "a", "namespace": "ns"], "data": ["k": "v"]]
        let got = try configMaps.decodeObject(bare.serialized())
        #expect(got.apiVersion == "v1" && got.kind == "ConfigMap" && got.data == ["k": "v"])
        let watched = try WatchLineDecoder.decode(JSON.object(["type": "ADDED", "object": bare]).serialized()[...],
                                                  kind: "ConfigMap", object: configMaps.fromJSON, source: configMaps.watchSource)
        #expect(watched.event.object?.kind == "ConfigMap")
        // The tree kept beside it reads back as the same object: type meta filled the same way.
        #expect(watched.source?["kind"] == "ConfigMap" && watched.source?["apiVersion"] == "v1")
        #expect(try watched.source?.decodeTree(as: ConfigMap.self) == watched.event.object)
        // A kind the object states is kept, even a wrong one: only absence is filled.
        var stated = bare
        stated["kind"] = "Other"
        #expect(try configMaps.decodeObject(stated.serialized()).kind == "Other")
    }

    @Test func aWatchEventThatDoesNotDecodeIsSkippedNotFatal() throws {
        let configMaps = Self.client.resource(ConfigMap.self)
        let line: JSON = ["type": "MODIFIED", "object": [
            "kind": "ConfigMap", "apiVersion": "v1",
            "metadata": ["name": "odd", "namespace": "ns", "resourceVersion": "42"], "data": ["k": ["nested": true]]]]
        let sourced = try WatchLineDecoder.decode(line.serialized()[...], kind: "ConfigMap", object: configMaps.fromJSON,
                                                  source: configMaps.watchSource)
        #expect(sourced.source == nil, "no tree is kept for an object that did not decode")
        let event = sourced.event
        guard case let .undecodable(object) = event else {
            Issue.record("expected an undecodable event, got \(event)")
            return
        }
        #expect(object.key == "ns/odd" && object.resourceVersion == "42")
        #expect(object.reason.hasPrefix("data.k: expected String"))
    }
}
