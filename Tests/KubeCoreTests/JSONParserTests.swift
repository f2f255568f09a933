import Foundation
@testable import KubeCore
import Testing

/// The parser every list, watch event and answer of the API server goes through. Its trees are
/// checked against Foundation's parser on every exchange recorded from a real API server.
@Suite struct JSONParserTests {
    static var goldenFiles: [URL] {
        let fixtures = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
            .deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("KubeTestServerCoreTests/Fixtures/kube-golden")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: fixtures.path)) ?? []
        return names.filter { $0.hasSuffix(".json") }.sorted().map { fixtures.appendingPathComponent($0) }
    }

    @Test func everyRecordedExchangeParsesAsFoundationParsesIt() throws {
        let files = Self.goldenFiles
        #expect(files.count >= 159)
        for file in files {
            let data = try Data(contentsOf: file)
            let ours = try JSON.parse(Array(data))
            let foundation = try JSONDecoder().decode(JSON.self, from: data)
            #expect(ours == foundation, "\(file.lastPathComponent)")
            // Bodies recorded as text (a list, a watch stream) are documents of their own.
            for path in [["request", "body"], ["response", "body"]] {
                guard let text = ours[path: path]?.stringValue, let first = text.first, first == "{" || first == "[" else { continue }
                guard let expected = try? JSONDecoder().decode(JSON.self, from: Data(text.utf8)) else { continue }
                #expect(try JSON.parse(text) == expected, "\(file.lastPathComponent) \(path)")
            }
        }
    }

    static func golden(_ name: String) throws -> JSON {
        let file = try #require(goldenFiles.first { $0.lastPathComponent == name })
        return try JSON.parse(Array(try Data(contentsOf: file)))
    }

    static func withoutManagedFields(_ object: JSON) -> JSON {
        var object = object
        object[path: ["metadata", "managedFields"]] = nil
        return object
    }

    @Test func aListParsedForACacheLeavesOutItsItemsManagedFieldsAndNothingElse118() throws {
        let body = try #require(try Self.golden("118-list-configmaps.json")[path: ["response", "body"]])
        let text = body.serialized()
        let full = try JSON.parse(text)
        #expect(full["items"]?.arrayValue?.allSatisfy { $0[path: ["metadata", "managedFields"]] != nil } == true)
        var expected = full
        expected["items"] = .array((full["items"]?.arrayValue ?? []).map(Self.withoutManagedFields))
        #expect(try JSON.parse(text, droppingManagedFieldsOf: .listItems) == expected)
    }

    @Test func aWatchEventParsedForACacheLeavesOutItsObjectsManagedFields127() throws {
        let events = try #require(try Self.golden("127-watch-deployments.json")[path: ["response", "body"]]?.arrayValue)
        #expect(events.contains { $0[path: ["object", "metadata", "managedFields"]] != nil })
        for event in events {
            let line = event.serialized()
            var expected = try JSON.parse(line)
            expected["object"] = Self.withoutManagedFields(expected["object"] ?? .null)
            #expect(try JSON.parse(line, droppingManagedFieldsOf: .watchEvent) == expected)
        }
    }

    @Test func onlyTheObjectsOwnMetadataLosesManagedFields() throws {
        // A field of that name deeper down (a template's metadata, a spec field) is data.
        let object: JSON = [
            "metadata": ["name": "d", "managedFields": [["manager": "kubectl"]]],
            "spec": ["template": ["metadata": ["managedFields": [1]]], "managedFields": "kept"],
            "managedFields": "kept too",
        ]
        let parsed = try JSON.parse(object.serialized(), droppingManagedFieldsOf: .document)
        #expect(parsed == Self.withoutManagedFields(object))
        // In a list, the list's own metadata is not an object's.
        let list: JSON = ["metadata": ["managedFields": "list"], "items": [object]]
        let parsedList = try JSON.parse(list.serialized(), droppingManagedFieldsOf: .listItems)
        #expect(parsedList == ["metadata": ["managedFields": "list"], "items": [Self.withoutManagedFields(object)]])
    }

    @Test func skippedManagedFieldsAreStillCheckedAsJSON() {
        let broken = [
            (#"{"metadata":{"managedFields":[{"a":tru}]}}"#, "invalid character '}' in literal true (expecting 'e')"),
            (#"{"metadata":{"managedFields":["\q"]}}"#, "invalid character 'q' in string escape code"),
            (#"{"metadata":{"managedFields":{"a" 1}}}"#, "invalid character '1' after object key"),
            (#"{"metadata":{"managedFields":[1 2]}}"#, "invalid character '2' after array element"),
            (#"{"metadata":{"managedFields":[{"#, "unexpected end of JSON input"),
        ]
        for (text, message) in broken {
            var whole: JSONParseError?
            var skipping: JSONParseError?
            do { _ = try JSON.parse(text) } catch { whole = error }
            do { _ = try JSON.parse(Array(text.utf8), droppingManagedFieldsOf: .document) } catch { skipping = error }
            #expect(whole?.message == message, "\(text)")
            #expect(skipping == whole, "\(text)")
        }
    }

    @Test func membersOfNestedObjectsStayWithTheirObject() throws {
        let json = try JSON.parse(#"{"a":{"b":{"c":1},"d":[{"e":2},{}],"f":{}},"g":{"h":"i"},"j":[]}"#)
        #expect(json == ["a": ["b": ["c": 1], "d": [["e": 2], [:]], "f": [:]], "g": ["h": "i"], "j": []])
        #expect(json["a"]?.objectValue?.count == 3 && json.objectValue?.count == 3)
    }

    @Test func aRepeatedKeyKeepsItsLastValueAsGoDoes() throws {
        #expect(try JSON.parse(#"{"a":1,"b":2,"a":{"x":3}}"#) == ["a": ["x": 3], "b": 2])
    }

    @Test func aRepeatedKeyAnywhereIsNilForTheUniqueKeysParse() throws {
        #expect(try JSON.parseWithUniqueKeys(#"{"a":1,"b":2,"a":{"x":3}}"#.utf8) == Optional<JSON>.none)
        #expect(try JSON.parseWithUniqueKeys(#"{"l":[{"k":1},{"m":{"k":1,"k":2}}]}"#.utf8) == Optional<JSON>.none)
        #expect(try JSON.parseWithUniqueKeys(#"{"l":[{"k":1},{"k":2}],"m":{"k":3}}"#.utf8) == ["l": [["k": 1], ["k": 2]], "m": ["k": 3]])
        #expect(throws: JSONParseError.self) { try JSON.parseWithUniqueKeys(#"{"a":"#.utf8) }
    }

    @Test func integersStayIntegersToTheEndsOfInt64() throws {
        let cases: [(String, JSON)] = [
            ("0", .int(0)), ("-0", .int(0)), ("7", .int(7)), ("-42", .int(-42)),
            ("123456789012345678", .int(123_456_789_012_345_678)),
            ("-123456789012345678", .int(-123_456_789_012_345_678)),
            ("9223372036854775807", .int(Int64.max)), ("-9223372036854775808", .int(Int64.min)),
            ("1.5", .double(1.5)), ("1e3", .double(1000)), ("-2.5E-1", .double(-0.25)),
        ]
        for (text, expected) in cases {
            let parsed = try JSON.parse(text)
            #expect(parsed == expected, "\(text)")
            if case .int = expected {
                guard case .int = parsed else { Issue.record("\(text) is not an int: \(parsed)"); continue }
            }
        }
        // Past Int64 a number is a double, as Foundation reads it.
        let big = try JSON.parse("9223372036854775808")
        guard case let .double(value) = big else { Issue.record("\(big) is not a double"); return }
        #expect(value == 9_223_372_036_854_775_808)
    }

    @Test func errorsAreWordedAsGoWordsThem() {
        #expect(throws: JSONParseError(message: "invalid character 'n' looking for beginning of object key string", offset: 1)) {
            try JSON.parse("{not json")
        }
        #expect(throws: JSONParseError(message: "unexpected end of JSON input", offset: 9)) {
            try JSON.parse(#"{"a":{"b""#)
        }
        #expect(throws: JSONParseError(message: "invalid character '}' looking for beginning of value", offset: 5)) {
            try JSON.parse(#"{"a":}"#)
        }
    }
}
