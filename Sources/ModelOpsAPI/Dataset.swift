/// Training data: where it lives and which version.
public struct Dataset: Sendable, Hashable, Codable {
    /// Where the data lives.
    public var uri: String

    /// Version of the data; a DataVersion trigger fills it in.
    public var version: String?

    public init(uri: String, version: String? = nil) {
        self.uri = uri
        self.version = version
    }
}
