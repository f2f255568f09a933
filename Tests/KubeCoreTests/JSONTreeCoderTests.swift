import Foundation
import KubeCore
import Testing

/// The tree coders read and write what Foundation's coders do, for the shapes Codable types
/// take; the informer caches pack and unpack every typed object through them.
@Suite("JSONTreeDecoder and JSONTreeEncoder")
struct JSONTreeCoderTests {
    struct Optionals: Codable, Equatable {
        var a: Int?
        var b: [String?]
        var c: [String: Int?]
        var d: Double
        var e: Bool?
    }

    struct Nothing: Encodable {
        func encode(to encoder: any Encoder) throws {}
    }

    struct Holder: Encodable {
        var inner = Nothing()
        var list = [Nothing()]
    }

    struct Ratio: Encodable {
        var value: Double
    }

    @Test func nullsAndOptionalsReadAsFoundationReadsThem() throws {
        let text = #"{"a":null,"b":["x",null],"c":{"k":null,"n":2},"d":3,"e":null}"#
        let foundation = try JSONDecoder().decode(Optionals.self, from: Data(text.utf8))
        let tree = try JSON.parse(text).decodeTree(as: Optionals.self)
        #expect(tree == foundation)
        #expect(tree.b == ["x", nil] && tree.c == ["k": nil, "n": 2] && tree.d == 3)
        // A null where a value is required is refused, naming the field.
        #expect(throws: DecodingError.self) { _ = try JSON.parse(#"{"b":[],"c":{},"d":null}"#).decodeTree(as: Optionals.self) }
        #expect(throws: DecodingError.self) { _ = try JSON.parse(#"{"b":[],"c":{},"d":"3"}"#).decodeTree(as: Optionals.self) }
    }

    struct Metadata: Codable, Equatable {
        var labels: [String: String]?
        var finalizers: [String]?
        var created: KubeTime?
        var nested: [[String: String]]?
    }

    /// Labels, annotations, finalizers and timestamps are read straight from the tree (no
    /// keyed container per entry); what comes out, and what is refused, is Foundation's.
    @Test func stringMapsListsAndTimesReadAsFoundationReadsThem() throws {
        let good = #"{"labels":{"app":"fraud","modelops.io/version":"v2","":""},"finalizers":["a/b","c"],"created":"2026-12-07T10:00:00Z","nested":[{"k":"v"},{}]}"#
        let tree = try JSON.parse(good).decodeTree(as: Metadata.self)
        #expect(tree == (try JSONDecoder().decode(Metadata.self, from: Data(good.utf8))))
        #expect(tree.labels?["modelops.io/version"] == "v2" && tree.finalizers == ["a/b", "c"] && tree.nested?.count == 2)
        #expect(tree.created == KubeTime(rfc3339: "2026-12-07T10:00:00Z"))
        for bad in [#"{"labels":{"a":1}}"#, #"{"labels":["a"]}"#, #"{"finalizers":["a",2]}"#, #"{"finalizers":"a"}"#,
                    #"{"created":"yesterday"}"#, #"{"created":5}"#, #"{"nested":[{"k":null}]}"#] {
            let foundation = #expect(throws: DecodingError.self) { _ = try JSONDecoder().decode(Metadata.self, from: Data(bad.utf8)) }
            let ours = #expect(throws: DecodingError.self) { _ = try JSON.parse(bad).decodeTree(as: Metadata.self) }
            #expect(ours.map(Self.codingPath) == foundation.map(Self.codingPath), "\(bad)")
        }
    }

    static func codingPath(_ error: DecodingError) -> [String] {
        switch error {
        case let .typeMismatch(_, context), let .valueNotFound(_, context), let .keyNotFound(_, context), let .dataCorrupted(context):
            return context.codingPath.map { $0.intValue.map { "\($0)" } ?? $0.stringValue }
        @unknown default: return []
        }
    }

    @Test func writesWhatFoundationWrites() throws {
        let holder = Holder()
        #expect(try JSON(treeEncoding: holder) == JSON(encoding: holder))
        #expect(try JSON(treeEncoding: holder) == ["inner": [:], "list": [[:]]])
        let optionals = Optionals(a: nil, b: ["x", nil], c: ["k": nil], d: 1.5, e: true)
        #expect(try JSON(treeEncoding: optionals) == JSON(encoding: optionals))
        // Foundation refuses NaN and infinities; so do the tree coders.
        #expect(throws: EncodingError.self) { _ = try JSON(treeEncoding: Ratio(value: .nan)) }
        #expect(throws: (any Error).self) { _ = try JSONEncoder().encode(Ratio(value: .infinity)) }
        #expect(throws: EncodingError.self) { _ = try JSON(treeEncoding: Ratio(value: .infinity)) }
    }

    /// A typed object is written through the tree encoder and the serializer (every status
    /// write), so a user's threshold or a Prometheus reading of 1e19 must be written, not trap.
    @Test func wholeDoublesPastInt64AreWrittenAsGoWritesThem() throws {
        let cases: [(Double, String)] = [
            (1e19, #"{"value":10000000000000000000}"#),
            (-9.3e18, #"{"value":-9300000000000000000}"#),
            (1.2345678901234567e20, #"{"value":123456789012345670000}"#),
            (9_223_372_036_854_775_807, #"{"value":9223372036854776000}"#),  // 2^63 as a double: its shortest digits, then zeros
            (1e21, #"{"value":1e+21}"#),
            (4096, #"{"value":4096}"#),
            (0.25, #"{"value":0.25}"#),
        ]
        for (value, written) in cases {
            let bytes = try JSON(treeEncoding: Ratio(value: value)).serialized()
            #expect(String(decoding: bytes, as: UTF8.self) == written)
            #expect(try JSON.parse(bytes)["value"]?.doubleValue == value, "\(written) reads back as \(value)")
        }
    }
}
