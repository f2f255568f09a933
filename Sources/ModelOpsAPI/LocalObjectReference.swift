/// A reference to an object in the same namespace.
public struct LocalObjectReference: Sendable, Hashable, Codable {
    /// Name of the object.
    public var name: String

    public init(name: String) {
        self.name = name
    }
}
