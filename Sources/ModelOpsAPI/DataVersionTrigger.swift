/// Fires when the dataset version named in a ConfigMap key changes; the run trains on that version.
public struct DataVersionTrigger: Sendable, Hashable, Codable {
    /// A key of a ConfigMap in the same namespace.
    public struct ConfigMapKeyReference: Sendable, Hashable, Codable {
        /// Name of the ConfigMap.
        public var name: String

        /// The key.
        public var key: String

        public init(name: String, key: String) {
            self.name = name
            self.key = key
        }
    }

    /// The ConfigMap key holding the current dataset version.
    public var configMapRef: ConfigMapKeyReference

    public init(configMapRef: ConfigMapKeyReference) {
        self.configMapRef = configMapRef
    }
}
