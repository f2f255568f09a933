/// A trained model as a TrainingJob reports it.
public struct ModelArtifact: Sendable, Hashable, Codable {
    /// Model name.
    public var name: String

    /// Model version.
    public var version: String

    /// Where the trainer wrote it; nil until it reported.
    public var uri: String?

    public init(name: String, version: String, uri: String? = nil) {
        self.name = name
        self.version = version
        self.uri = uri
    }
}
