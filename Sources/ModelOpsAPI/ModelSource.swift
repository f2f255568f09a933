import KubeCore

/// Which model a ModelDeployment serves: pinned (`name`, `version`, `uri` all set, e.g. kept in
/// Git), `fromPolicy` to follow the newest model that RetrainPolicy promoted, or `registry` to
/// follow a model registry alias. The schema enforces exactly one form; both are optional properties here so that any stored object decodes.
public struct ModelSource: Sendable, Hashable, Codable {
    /// Model name; injected as MODEL_NAME.
    public var name: String?

    /// Model version; injected as MODEL_VERSION.
    public var version: String?

    /// Where the model artefact lives; injected as MODEL_URI.
    public var uri: String?

    /// A RetrainPolicy in the same namespace whose promoted model to serve. Resolved into status,
    /// never written back here, so GitOps tools see no drift.
    public var fromPolicy: String?

    /// A model registry alias to follow (MLflow). Resolved into `status.registry`, never written
    /// back here.
    public var registry: ModelRegistrySource?

    public init(name: String? = nil, version: String? = nil, uri: String? = nil, fromPolicy: String? = nil,
                registry: ModelRegistrySource? = nil) {
        self.name = name
        self.version = version
        self.uri = uri
        self.fromPolicy = fromPolicy
        self.registry = registry
    }

    /// The pinned model, when name, version and uri are all set.
    public var pinned: ModelVersion? {
        guard let name, let version, let uri else { return nil }
        return ModelVersion(name: name, version: version, uri: uri)
    }

    public static func pinned(_ model: ModelVersion) -> ModelSource {
        ModelSource(name: model.name, version: model.version, uri: model.uri)
    }

    public static func following(_ policy: String) -> ModelSource {
        ModelSource(fromPolicy: policy)
    }
}
