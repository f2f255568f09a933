import KubeCore
import Testing
@testable import KubeTestServerCore

/// Apply bodies are YAML; a JSON one takes the JSON parser (`APIServer.applyConfiguration`),
/// which must read it as the YAML parser does, and leave every other body and every error to it.
struct ApplyConfigurationTests {
    /// The recorded apply requests (golden 043 and the others), as the real server received them.
    static var recordedBodies: [String] {
        GoldenExchange.all.compactMap { exchange in
            guard exchange.headers["content-type"] == "application/apply-patch+yaml" else { return nil }
            switch exchange.body {
            case let .text(text): return text
            case let .json(json): return String(decoding: json.serialized(), as: UTF8.self)
            default: return nil
            }
        }
    }

    static let edgeBodies = [
        #"{"a": 1, "b": -2, "c": 1.5, "d": 2.0, "e": 1e3, "f": -0.25E-2, "g": 9007199254740993}"#,
        #"{"s": "yes", "t": "1", "u": "null", "v": "\u00e9\n\t\"\/", "w": true, "x": false, "y": null}"#,
        #"  {"nested": {"list": [1, "two", {"three": [3]}, [], {}]}, "empty": ""}  "#,
    ]

    @Test func aJSONBodyReadsAsTheYAMLParserReadsIt() throws {
        let bodies = Self.recordedBodies + Self.edgeBodies
        #expect(Self.recordedBodies.count >= 5, "the goldens hold apply requests")
        for body in bodies {
            let fast = try APIServer.applyConfiguration(Array(body.utf8))
            let yaml = try JSON.parseYAML(body)
            #expect(fast == yaml, "\(body)")
        }
    }

    /// Where JSON and YAML read the same text differently, the YAML parser answers: a `\u`
    /// escape of a lone surrogate (JSON makes U+FFFD of it) and bytes that are not UTF-8.
    @Test func whatTheParsersReadDifferentlyGetsTheYAMLAnswer() throws {
        let bodies: [[UInt8]] = [
            Array(#"{"a": "\ud800"}"#.utf8), Array(#"{"a": "x\uDC00y"}"#.utf8),
            Array(#"{"a": ""#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8),
            Array(#"{"a": "\u00e9 \uD83D\uDE00"}"#.utf8),
        ]
        for body in bodies {
            #expect(!APIServer.readsAlikeAsJSONAndYAML(body))
            let yaml = Result { () throws(YAMLError) -> JSON in try JSON.parseYAML(String(decoding: body, as: UTF8.self)) }
            let ours = Result { () throws(YAMLError) -> JSON in try APIServer.applyConfiguration(body) }
            switch (yaml, ours) {
            case let (.success(a), .success(b)): #expect(a == b)
            case let (.failure(a), .failure(b)): #expect(a.message == b.message)
            default: Issue.record("the YAML parser and the apply path disagree on \(body)")
            }
        }
        #expect(APIServer.readsAlikeAsJSONAndYAML(Array(#"{"a": "\u00e9 é \n"}"#.utf8)))
    }

    @Test func yamlAndBrokenJSONGoToTheYAMLParser() throws {
        let yaml = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  k: v\n"
        #expect(try APIServer.applyConfiguration(Array(yaml.utf8)) == JSON.parseYAML(yaml))
        // Flow-style YAML the JSON parser refuses: unquoted keys.
        let flow = "{a: 1, b: [x, y]}"
        #expect(try APIServer.applyConfiguration(Array(flow.utf8)) == ["a": 1, "b": ["x", "y"]])
        // Broken JSON, and JSON whose object repeats a key (the YAML parser refuses those).
        for broken in [#"{"a": "#, #"{"a": [1, 2}"#, #"{"a": 1} x"#, #"{"a": 1, "a": 2}"#, #"{"s": {"k": 1, "k": 1}}"#] {
            let expected = #expect(throws: YAMLError.self) { try JSON.parseYAML(broken) }
            let got = #expect(throws: YAMLError.self) { try APIServer.applyConfiguration(Array(broken.utf8)) }
            #expect(got?.message == expected?.message, "\(broken)")
        }
    }
}
