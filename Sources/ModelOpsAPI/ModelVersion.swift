/// A concrete model: name, version and artefact URI. What pinned specs name and what policies
/// resolve to; not a schema object itself (see `ModelSource`).
public struct ModelVersion: Sendable, Hashable, Codable {
    /// Model name.
    public var name: String

    /// Model version.
    public var version: String

    /// Artefact URI.
    public var uri: String

    public init(name: String, version: String, uri: String) {
        self.name = name
        self.version = version
        self.uri = uri
    }
}
