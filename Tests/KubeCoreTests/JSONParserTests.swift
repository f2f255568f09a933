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

    @Test func membersOfNestedObjectsStayWithTheirObject() throws {
        let json = try JSON.parse(#"{"a":{"b":{"c":1},"d":[{"e":2},{}],"f":{}},"g":{"h":"i"},"j":[]}"#)
        #expect(json == ["a": ["b": ["c": 1], "d": [["e": 2], [:]], "f": [:]], "g": ["h": "i"], "j": []])
        #expect(json["a"]?.objectValue?.count == 3 && json.objectValue?.count == 3)
    }

    @Test func aRepeatedKeyKeepsItsLastValueAsGoDoes() throws {
        #expect(try JSON.parse(#"{"a":1,"b":2,"a":{"x":3}}"#) == ["a": ["x": 3], "b": 2])
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
