import KubeCore
import Testing

@Suite("JSON serializer")
struct JSONSerializerTests {
    @Test("writes what the earlier serializer wrote, byte for byte: sorted keys, Go's escapes, every Int64")
    func sameBytesAsBefore() {
        // A fixed linear congruential sequence: a failure names the same trees every run.
        var state: UInt64 = 0x5eed
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 11
        }
        let strings = ["", "plain", "quote\"back\\slash", "<tag>&amp;", "tab\tnew\nline\rcr", "\u{0}\u{1f}\u{7f}",
                       "line\u{2028}para\u{2029}", "\u{e2}\u{80}", "é", "e\u{301}", "\u{212A}", "日本語", "😀 emoji",
                       "a/b", "\u{2027}\u{202a}", String(repeating: "x", count: 300)]
        let ints: [Int64] = [0, 1, -1, 9, 10, -10, 42, 1_000_000, Int64.max, Int64.min, Int64.min + 1, -999_999_999_999]
        func value(_ depth: Int) -> JSON {
            switch next() % (depth > 3 ? 5 : 7) {
            case 0: return .null
            case 1: return .bool(next() % 2 == 0)
            case 2: return .int(next() % 3 == 0 ? ints[Int(next() % UInt64(ints.count))] : Int64(bitPattern: next()))
            case 3: return .double([0.5, -2.25, 1e21, 3.0, 1e-7][Int(next() % 5)])
            case 4: return .string(strings[Int(next() % UInt64(strings.count))])
            case 5: return .array((0..<Int(next() % 4)).map { _ in value(depth + 1) })
            default:
                var members: [String: JSON] = [:]
                for _ in 0..<Int(next() % 6) { members[strings[Int(next() % UInt64(strings.count))]] = value(depth + 1) }
                return .object(members)
            }
        }
        for _ in 0..<2_000 {
            let tree = value(0)
            var expected: [UInt8] = []
            Self.reference(tree, into: &expected)
            #expect(tree.serialized() == expected, "\(String(decoding: expected, as: UTF8.self))")
        }
        #expect(JSON.int(Int64.min).serializedString() == "-9223372036854775808")
        #expect(JSON.string("<\u{2028}>").serializedString() == #""\u003c\u2028\u003e""#)
    }

    /// The serializer as it was before it sorted members whole and wrote integers and plain
    /// runs of text without intermediate strings.
    static func reference(_ json: JSON, into out: inout [UInt8]) {
        switch json {
        case let .int(i): out.append(contentsOf: String(i).utf8)
        case let .string(s): referenceString(s, into: &out)
        case let .array(a):
            out.append(UInt8(ascii: "["))
            for (i, element) in a.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                reference(element, into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case let .object(o):
            out.append(UInt8(ascii: "{"))
            var first = true
            for key in o.keys.sorted() {
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                referenceString(key, into: &out)
                out.append(UInt8(ascii: ":"))
                reference(o[key]!, into: &out)
            }
            out.append(UInt8(ascii: "}"))
        default: out.append(contentsOf: json.serialized())  // null, bool, double: unchanged
        }
    }

    static func referenceString(_ s: String, into out: inout [UInt8]) {
        let hex = Array("0123456789abcdef".utf8)
        out.append(UInt8(ascii: "\""))
        let utf8 = Array(s.utf8)
        var i = 0
        while i < utf8.count {
            let byte = utf8[i]
            switch byte {
            case UInt8(ascii: "\""): out += [0x5c, 0x22]
            case UInt8(ascii: "\\"): out += [0x5c, 0x5c]
            case 0x0a: out += [0x5c, UInt8(ascii: "n")]
            case 0x0d: out += [0x5c, UInt8(ascii: "r")]
            case 0x09: out += [0x5c, UInt8(ascii: "t")]
            case 0x00..<0x20, UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "&"):
                out += [0x5c, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0xf)]]
            case 0xe2 where i + 2 < utf8.count && utf8[i + 1] == 0x80 && (utf8[i + 2] == 0xa8 || utf8[i + 2] == 0xa9):
                out += Array("\\u202\(utf8[i + 2] == 0xa8 ? "8" : "9")".utf8)
                i += 2
            default: out.append(byte)
            }
            i += 1
        }
        out.append(UInt8(ascii: "\""))
    }
}
