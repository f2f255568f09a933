/// The TrainingJob a RetrainPolicy run creates.
public struct TrainingJobTemplate: Sendable, Hashable, Codable {
    /// Labels and annotations copied onto created objects.
    public struct TemplateMetadata: Sendable, Hashable, Codable {
        /// Labels to add.
        public var labels: [String: String]?

        /// Annotations to add.
        public var annotations: [String: String]?

        public init(labels: [String: String]? = nil, annotations: [String: String]? = nil) {
            self.labels = labels
            self.annotations = annotations
        }
    }

    /// Labels and annotations for the created TrainingJobs.
    public var metadata: TemplateMetadata?

    /// Their spec.
    public var spec: TrainingJobSpec

    public init(metadata: TemplateMetadata? = nil, spec: TrainingJobSpec) {
        self.metadata = metadata
        self.spec = spec
    }
}
