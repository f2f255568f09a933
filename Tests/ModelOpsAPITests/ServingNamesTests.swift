@testable import ModelOpsAPI
import Testing

@Suite("Serving names")
struct ServingNamesTests {
    @Test("label values are what the Character-based version gave; ASCII slugs on bytes are what Characters give")
    func sameAsCharacterVersions() {
        let samples = ["v1", "1.0", "1-0", "V2.Alpha_3", "--lead", "trail--", "a..b", "...", "", "-", "_x_", "x y\tz",
                       "\r\n", "a\r\nb", "é", "e\u{301}x", "\u{212A}elvin", "ÄÖÜ-v", "日本-1", "😀", "v1😀", "x\u{0}y",
                       String(repeating: "a", count: 70), String(repeating: "ab-", count: 30), "-" + String(repeating: "9", count: 64),
                       String(repeating: "é", count: 70), "1.2.3+build.7", "sha256:0123456789abcdef", "Model/Fraud@2026-12-07"]
        var generated: [String] = []
        let alphabet: [Character] = ["a", "Z", "0", "-", "_", ".", " ", "/", "é", "\u{301}", "\u{212A}", "\r", "\n", "😀"]
        var state: UInt64 = 7
        for _ in 0..<500 {
            var text = ""
            state = state &* 6_364_136_223_846_793_005 &+ 1
            for i in 0..<Int(state >> 58) { text.append(alphabet[Int((state >> UInt64(i % 50)) % UInt64(alphabet.count))]) }
            generated.append(text)
        }
        for text in samples + generated {
            #expect(ServingNames.labelValue(text) == Self.labelValue(text), "\(text.debugDescription)")
            for limit in [1, 5, 40, 203] {
                let ascii = String(decoding: text.utf8.map { $0 < 0x80 ? $0 : UInt8(ascii: "~") }, as: UTF8.self)
                #expect(ServingNames.asciiSlug(ascii, limit: limit) == ServingNames.characterSlug(ascii, limit: limit),
                        "\(ascii.debugDescription) \(limit)")
                #expect(ServingNames.slug(text, limit: limit) == ServingNames.characterSlug(text, limit: limit), "\(text.debugDescription)")
            }
        }
        #expect(ServingNames.labelValue("--v1.0_rc--") == "v1.0_rc")
        #expect(ServingNames.slug("\u{212A}ilo", limit: 40) == "kilo", "Kelvin sign lower-cases to ASCII")
    }

    /// `labelValue` as it was, on Characters.
    static func labelValue(_ value: String) -> String {
        var scalars = value.unicodeScalars.map { scalar -> Character in
            let c = Character(scalar)
            return c.isASCII && (c.isLetter || c.isNumber || c == "-" || c == "_" || c == ".") ? c : "-"
        }
        if scalars.count > 63 { scalars = Array(scalars.prefix(63)) }
        while let last = scalars.last, !(last.isLetter || last.isNumber) { scalars.removeLast() }
        while let first = scalars.first, !(first.isLetter || first.isNumber) { scalars.removeFirst() }
        return String(scalars)
    }
}
