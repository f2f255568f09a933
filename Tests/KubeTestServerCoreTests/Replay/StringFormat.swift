/// The format of a string value, for comparing volatile values (uids, resourceVersions,
/// timestamps, IPs) by format rather than value: a recorded timestamp with microseconds must be
/// answered by one with microseconds, a uid by a uid, an empty continue token by an empty one.
enum StringFormat: String, Sendable {
    case empty
    case uuid
    case integer
    case timestamp = "RFC 3339 timestamp"
    case microTimestamp = "RFC 3339 timestamp with microseconds"
    case ipv4 = "IPv4 address"
    case text

    init(_ s: String) {
        let bytes = Array(s.utf8)
        if bytes.isEmpty {
            self = .empty
        } else if bytes.allSatisfy(Self.isDigit) {
            self = .integer
        } else if Self.isUUID(bytes) {
            self = .uuid
        } else if let fraction = Self.timestampFraction(bytes) {
            self = fraction == 6 ? .microTimestamp : .timestamp
        } else if Self.isIPv4(bytes) {
            self = .ipv4
        } else {
            self = .text
        }
    }

    private static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
    private static func isHex(_ b: UInt8) -> Bool { isDigit(b) || (b >= 0x61 && b <= 0x66) }

    private static func isUUID(_ b: [UInt8]) -> Bool {
        guard b.count == 36 else { return false }
        for (i, c) in b.enumerated() {
            if [8, 13, 18, 23].contains(i) { if c != UInt8(ascii: "-") { return false } } else if !isHex(c) { return false }
        }
        return true
    }

    /// `2026-11-23T03:51:49Z` → 0, `...49.123456Z` → 6; nil when not such a timestamp.
    private static func timestampFraction(_ b: [UInt8]) -> Int? {
        guard b.count >= 20, b.last == UInt8(ascii: "Z"), b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"),
              b[10] == UInt8(ascii: "T"), b[13] == UInt8(ascii: ":"), b[16] == UInt8(ascii: ":") else { return nil }
        for i in [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18] where !isDigit(b[i]) { return nil }
        if b.count == 20 { return 0 }
        guard b[19] == UInt8(ascii: "."), b.count > 21, b[20..<(b.count - 1)].allSatisfy(isDigit) else { return nil }
        return b.count - 21
    }

    private static func isIPv4(_ b: [UInt8]) -> Bool {
        let parts = b.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        return parts.count == 4 && parts.allSatisfy { !$0.isEmpty && $0.count <= 3 && $0.allSatisfy(isDigit) }
    }
}
