/// core/v1 ConfigMap: what RetrainPolicy data-version triggers read, and a handy typed kind.
public struct ConfigMap: KubeResource, Equatable {
    public static let group = ""
    public static let version = "v1"
    public static let kind = "ConfigMap"
    public static let plural = "configmaps"

    public var apiVersion = "v1"
    public var kind = "ConfigMap"
    public var metadata: ObjectMeta
    public var data: [String: String]?
    public var binaryData: [String: String]?

    public init(name: String, namespace: String = "default", data: [String: String]? = nil, labels: [String: String]? = nil) {
        metadata = ObjectMeta(name: name, namespace: namespace, labels: labels)
        self.data = data
    }
}
