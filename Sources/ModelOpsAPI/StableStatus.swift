import KubeCore

/// The version that serves traffic when no rollout is in progress.
public struct StableStatus: Sendable, Hashable, Codable {
    /// Model name.
    public var name: String?

    /// Model version.
    public var version: String

    /// Artefact URI.
    public var uri: String?

    /// When it became stable.
    public var since: KubeTime?

    public init(name: String? = nil, version: String, uri: String? = nil, since: KubeTime? = nil) {
        self.name = name
        self.version = version
        self.uri = uri
        self.since = since
    }
}
