import KubeCore
import Testing
@testable import KubeTestServerCore

/// RFC 7386 Appendix A, row by row.
struct MergePatchTests {
    static let rows: [(String, String, String)] = [
        (#"{"a":"b"}"#, #"{"a":"c"}"#, #"{"a":"c"}"#),
        (#"{"a":"b"}"#, #"{"b":"c"}"#, #"{"a":"b","b":"c"}"#),
        (#"{"a":"b"}"#, #"{"a":null}"#, #"{}"#),
        (#"{"a":"b","b":"c"}"#, #"{"a":null}"#, #"{"b":"c"}"#),
        (#"{"a":["b"]}"#, #"{"a":"c"}"#, #"{"a":"c"}"#),
        (#"{"a":"c"}"#, #"{"a":["b"]}"#, #"{"a":["b"]}"#),
        (#"{"a":{"b":"c"}}"#, #"{"a":{"b":"d","c":null}}"#, #"{"a":{"b":"d"}}"#),
        (#"{"a":[{"b":"c"}]}"#, #"{"a":[1]}"#, #"{"a":[1]}"#),
        (#"["a","b"]"#, #"["c","d"]"#, #"["c","d"]"#),
        (#"{"a":"b"}"#, #"["c"]"#, #"["c"]"#),
        (#"{"a":"foo"}"#, #"null"#, #"null"#),
        (#"{"a":"foo"}"#, #""bar""#, #""bar""#),
        (#"{"e":null}"#, #"{"a":1}"#, #"{"a":1,"e":null}"#),
        (#"[1,2]"#, #"{"a":"b","c":null}"#, #"{"a":"b"}"#),
        (#"{}"#, #"{"a":{"bb":{"ccc":null}}}"#, #"{"a":{"bb":{}}}"#),
    ]

    @Test func rfcAppendixA() throws {
        for (target, patch, expected) in Self.rows {
            let result = MergePatch.apply(try JSON.parse(patch), to: try JSON.parse(target))
            #expect(result == (try JSON.parse(expected)), "\(target) + \(patch)")
        }
    }

    @Test func specPatchKeepsTheRest() throws {
        let stored = try JSON.parse(#"{"spec":{"replicas":3,"mode":"Slow","labels":{"team":"ml"}}}"#)
        let result = MergePatch.apply(["spec": ["replicas": 4]], to: stored)
        #expect(result == (try JSON.parse(#"{"spec":{"replicas":4,"mode":"Slow","labels":{"team":"ml"}}}"#)))
    }
}
