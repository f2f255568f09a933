import KubeCore

/// What the reconciler needs of one child Deployment, read once from the cached JSON.
public struct ObservedDeployment: Sendable, Hashable {
    /// The annotation carrying the raw model version (labels cannot hold every version string).
    public static let versionAnnotation = WireContract.Annotations.modelVersion

    public var name: String
    public var version: String
    public var specReplicas: Int
    public var availableReplicas: Int
    public var readyReplicas: Int
    public var updatedReplicas: Int
    /// The Deployment controller has seen the latest spec.
    public var observedCurrent: Bool
    /// The pod template it runs now (kept for the stable version while a candidate rolls out).
    public var template: JSON?

    public init(name: String, version: String, specReplicas: Int, availableReplicas: Int = 0, readyReplicas: Int = 0,
                updatedReplicas: Int = 0, observedCurrent: Bool = true, template: JSON? = nil) {
        self.name = name
        self.version = version
        self.specReplicas = specReplicas
        self.availableReplicas = availableReplicas
        self.readyReplicas = readyReplicas
        self.updatedReplicas = updatedReplicas
        self.observedCurrent = observedCurrent
        self.template = template
    }

    public init?(json: JSON) {
        guard let name = json[path: ["metadata", "name"]]?.stringValue,
              let version = json[path: ["metadata", "annotations", Self.versionAnnotation]]?.stringValue else { return nil }
        let generation = json[path: ["metadata", "generation"]]?.intValue ?? 0
        let observed = json[path: ["status", "observedGeneration"]]?.intValue ?? 0
        self.init(name: name, version: version,
                  specReplicas: Int(json[path: ["spec", "replicas"]]?.intValue ?? 1),
                  availableReplicas: Int(json[path: ["status", "availableReplicas"]]?.intValue ?? 0),
                  readyReplicas: Int(json[path: ["status", "readyReplicas"]]?.intValue ?? 0),
                  updatedReplicas: Int(json[path: ["status", "updatedReplicas"]]?.intValue ?? 0),
                  observedCurrent: observed >= generation,
                  template: json[path: ["spec", "template"]])
    }

    /// Runs `replicas` available pods of its current spec.
    public func isAvailable(replicas: Int) -> Bool {
        observedCurrent && specReplicas == replicas && updatedReplicas >= replicas && availableReplicas >= replicas
    }
}
