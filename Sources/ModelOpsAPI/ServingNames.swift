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
    public static func labelValue(_ value: String) -> String {
        var scalars = value.unicodeScalars.map { scalar -> Character in
            let c = Character(scalar)
            return c.isASCII && (c.isLetter || c.isNumber || c == "-" || c == "_" || c == ".") ? c : "-"
        }
        if scalars.count > 63 { scalars = Array(scalars.prefix(63)) }
        while let last = scalars.last, !(last.isLetter || last.isNumber) { scalars.removeLast() }
        while let first = scalars.first, !(first.isLetter || first.isNumber) { scalars.removeFirst() }
        return String(scalars)
    }

    /// Lower-case alphanumerics and dashes, alphanumeric at both ends, at most `limit` long.
    static func slug(_ value: String, limit: Int) -> String {
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
}
