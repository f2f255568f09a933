/// The two string shapes every cached Kubernetes object carries, in the binary form
/// `CompactJSON` packs them in: a uid (36 characters as text, 16 bytes here) and a timestamp
/// in the API's own format (`2026-12-07T10:00:00Z`, 20 characters as text, a varint of about
/// 5 bytes here). Each object has a uid, an owner's uid and a few timestamps, so at 90,000
/// cached objects this is several megabytes.
///
/// Only text that formats back byte for byte is taken: lowercase hex in 8-4-4-4-12 groups, and
/// times with every field in range, `T` and `Z`. Anything else (uppercase hex, fractions of a
/// second, an offset) stays a string.
enum PackedString {
    /// The 16 bytes of a uid in canonical form, or nil.
    static func uuid(_ text: String) -> [UInt8]? {
        var text = text
        return text.withUTF8 { utf8 -> [UInt8]? in
            guard utf8.count == 36 else { return nil }
            var bytes = [UInt8](repeating: 0, count: 16)
            var nibble = 0
            for (index, char) in utf8.enumerated() {
                if index == 8 || index == 13 || index == 18 || index == 23 {
                    guard char == UInt8(ascii: "-") else { return nil }
                    continue
                }
                let value: UInt8
                switch char {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): value = char - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): value = char - UInt8(ascii: "a") + 10
                default: return nil
                }
                bytes[nibble / 2] |= nibble % 2 == 0 ? value << 4 : value
                nibble += 1
            }
            return bytes
        }
    }

    /// A uid's text from its 16 bytes.
    static func uuidText(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        let hex = Array("0123456789abcdef".utf8)
        return String(unsafeUninitializedCapacity: 36) { out in
            var at = 0
            for (index, byte) in bytes.enumerated() {
                if index == 4 || index == 6 || index == 8 || index == 10 {
                    out[at] = UInt8(ascii: "-")
                    at += 1
                }
                out[at] = hex[Int(byte >> 4)]
                out[at + 1] = hex[Int(byte & 0x0f)]
                at += 2
            }
            return at
        }
    }

    /// Seconds since 1970 of a time written `YYYY-MM-DDTHH:MM:SSZ` with every field in range, or nil.
    static func time(_ text: String) -> Int64? {
        var text = text
        return text.withUTF8 { utf8 -> Int64? in
            guard utf8.count == 20, utf8[4] == UInt8(ascii: "-"), utf8[7] == UInt8(ascii: "-"), utf8[10] == UInt8(ascii: "T"),
                  utf8[13] == UInt8(ascii: ":"), utf8[16] == UInt8(ascii: ":"), utf8[19] == UInt8(ascii: "Z") else { return nil }
            func number(_ start: Int, _ count: Int) -> Int? {
                var value = 0
                for index in start..<start + count {
                    let digit = Int(utf8[index]) - Int(UInt8(ascii: "0"))
                    guard (0...9).contains(digit) else { return nil }
                    value = value * 10 + digit
                }
                return value
            }
            guard let year = number(0, 4), let month = number(5, 2), let day = number(8, 2),
                  let hour = number(11, 2), let minute = number(14, 2), let second = number(17, 2),
                  (1...12).contains(month), day >= 1, day <= CivilDate.daysInMonth(year: year, month: month),
                  hour < 24, minute < 60, second < 60 else { return nil }
            let days = CivilDate.days(year: year, month: month, day: day)
            return Int64(days) * 86_400 + Int64(hour * 3_600 + minute * 60 + second)
        }
    }

    /// The text of a time `time` read (years 0000–9999).
    static func timeText(_ seconds: Int64) -> String {
        let days = Int((seconds >= 0 ? seconds : seconds - 86_399) / 86_400)
        let secondOfDay = Int(seconds - Int64(days) * 86_400)
        let (year, month, day) = CivilDate.date(days: days)
        return String(unsafeUninitializedCapacity: 20) { out in
            func put(_ value: Int, _ start: Int, _ count: Int) {
                var value = value
                for index in (start..<start + count).reversed() {
                    out[index] = UInt8(ascii: "0") + UInt8(value % 10)
                    value /= 10
                }
            }
            put(year, 0, 4)
            out[4] = UInt8(ascii: "-")
            put(month, 5, 2)
            out[7] = UInt8(ascii: "-")
            put(day, 8, 2)
            out[10] = UInt8(ascii: "T")
            put(secondOfDay / 3_600, 11, 2)
            out[13] = UInt8(ascii: ":")
            put(secondOfDay / 60 % 60, 14, 2)
            out[16] = UInt8(ascii: ":")
            put(secondOfDay % 60, 17, 2)
            out[19] = UInt8(ascii: "Z")
            return 20
        }
    }
}
