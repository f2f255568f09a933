import KubeCore

/// A typed Deployment with its spec and status as trees: enough for a status subresource
/// (`StatusWriterTests`) and for recorded watch events (`IndexedStoreTests`, golden 127).
struct TreeDeployment: KubeResource, Equatable {
    static let group = "apps"
    static let version = "v1"
    static let kind = "Deployment"
    static let plural = "deployments"
    static let namespaced = true
    var apiVersion = "apps/v1"
    var kind = "Deployment"
    var metadata: ObjectMeta
    var spec: JSON?
    var status: JSON?
}
