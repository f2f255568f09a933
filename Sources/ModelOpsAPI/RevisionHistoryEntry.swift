import KubeCore

/// A version that became stable.
public struct RevisionHistoryEntry: Sendable, Hashable, Codable {
    /// Increasing revision number.
    public var revision: Int64

    /// Model name.
    public var name: String?

    /// The version.
    public var version: String

    /// Its artefact URI.
    public var uri: String?

    /// When it became stable.
    public var promotedAt: KubeTime?

    public init(
        revision: Int64,
        name: String? = nil,
        version: String,
        uri: String? = nil,
        promotedAt: KubeTime? = nil
    ) {
        self.revision = revision
        self.name = name
        self.version = version
        self.uri = uri
        self.promotedAt = promotedAt
    }
}
