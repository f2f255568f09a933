import KubeCore

/// Names and labels of a ModelDeployment's children. One Deployment per live model version
/// (`<name>-<version slug>`), the Service over all serving pods (`<name>`), and `-stable`,
/// `-canary`, `-preview` Services. Pods carry the version label so that metrics split by version.
public struct ServingNames: Sendable, Hashable {
    public static let deploymentLabel = WireContract.Labels.deployment
    public static let versionLabel = WireContract.Labels.version
    public static let modelLabel = WireContract.Labels.model
    /// On child Deployments only (never on pods, so a role change does not restart them).
    public static let roleLabel = WireContract.Labels.role

    public let name: String

    public init(_ name: String) {
        self.name = name
    }

    public var service: String { name }
    public var stableService: String { "\(name)-stable" }
    public var canaryService: String { "\(name)-canary" }
    public func previewService(_ configured: String?) -> String { configured ?? "\(name)-preview" }

    /// The Deployment of one version: the name plus a DNS-1123 slug of the version, with a short
    /// hash of the raw version when the slug had to change or shorten it (so "1.0" and "1-0" differ).
    public func deployment(version: String) -> String {
        let slug = Self.slug(version, limit: 40)
        let base = Self.slug(name, limit: 253 - 50)
        if slug == version { return "\(base)-\(slug)" }
        return "\(base)-\(slug)-\(String(SpecHash.of(.string(version)).prefix(6)))"
    }

    /// A label value for a version: at most 63 characters of [A-Za-z0-9._-], alphanumeric at both ends.
    /// Every other Unicode scalar becomes `-`. Worked on bytes: as Characters (grapheme breaking
    /// and Unicode properties for every scalar) it was 1 % of the operator's CPU over a thousand
    /// first versions.
    public static func labelValue(_ value: String) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(min(value.utf8.count, 63))
        for scalar in value.unicodeScalars {
            if bytes.count == 63 { break }
            let byte = scalar.isASCII ? UInt8(scalar.value) : 0
            bytes.append(isAlphanumeric(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".")
                         ? byte : UInt8(ascii: "-"))
        }
        let end = (bytes.lastIndex(where: isAlphanumeric) ?? -1) + 1
        let start = bytes[..<end].firstIndex(where: isAlphanumeric) ?? end
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
            || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
    }

    /// Lower-case alphanumerics and dashes, alphanumeric at both ends, at most `limit` long.
    static func slug(_ value: String, limit: Int) -> String {
        value.isASCII ? asciiSlug(value, limit: limit) : characterSlug(value, limit: limit)
    }

    /// `slug` on Characters, for text that is not all ASCII: lower-casing and grapheme clusters
    /// can turn it into ASCII or merge scalars, and names must not change.
    static func characterSlug(_ value: String, limit: Int) -> String {
        var out: [Character] = []
        for c in value.lowercased() {
            let ok = c.isASCII && (c.isLetter || c.isNumber)
            if ok { out.append(c) } else if out.last != "-" { out.append("-") }
        }
        if out.count > limit { out = Array(out.prefix(limit)) }
        while out.last == "-" { out.removeLast() }
        while out.first == "-" { out.removeFirst() }
        return out.isEmpty ? "v" : String(out)
    }

    /// `slug` of ASCII text, on bytes: what `characterSlug` gives, without a Character per byte.
    static func asciiSlug(_ value: String, limit: Int) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(min(value.utf8.count, limit))
        for var byte in value.utf8 {
            if (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) { byte += 0x20 }
            if isAlphanumeric(byte) {
                out.append(byte)
            } else if out.last != UInt8(ascii: "-") {
                out.append(UInt8(ascii: "-"))
            }
        }
        if out.count > limit { out.removeLast(out.count - limit) }
        while out.last == UInt8(ascii: "-") { out.removeLast() }
        let start = out.firstIndex { $0 != UInt8(ascii: "-") } ?? out.endIndex
        return start == out.endIndex ? "v" : String(decoding: out[start...], as: UTF8.self)
    }
}
