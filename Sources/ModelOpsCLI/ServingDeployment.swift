import KubeClient
import KubeCore
import ModelOpsAPI

/// One child Deployment of a ModelDeployment as `status` shows it: which version it serves, in
/// which role, and how many of its pods are ready.
struct ServingDeployment: Sendable {
    var observed: ObservedDeployment
    /// "stable", "candidate" or "previous" (the operator's label on the Deployment).
    var role: String?

    var json: JSON {
        ["name": .string(observed.name), "version": .string(observed.version), "role": Format.string(role),
         "replicas": .int(Int64(observed.specReplicas)), "readyReplicas": .int(Int64(observed.readyReplicas)),
         "availableReplicas": .int(Int64(observed.availableReplicas)), "updatedReplicas": .int(Int64(observed.updatedReplicas))]
    }

    var text: String {
        "deployment/\(observed.name)  \(observed.readyReplicas)/\(observed.specReplicas) ready"
            + (observed.availableReplicas != observed.readyReplicas ? ", \(observed.availableReplicas) available" : "")
    }

    static let resource = ResourceInfo(group: "apps", version: "v1", kind: "Deployment", plural: "deployments", namespaced: true)

    /// The Deployments the ModelDeployment controls (its label, then its uid as controller).
    static func load(for deployment: ModelDeployment, session: CLISession) async throws(CLIError) -> [ServingDeployment] {
        let name = deployment.metadata.name ?? ""
        let selector = "\(ServingNames.deploymentLabel)=\(ServingNames.labelValue(name))"
        let items: [JSON]
        do {
            items = try await session.client.dynamic(resource, namespace: session.namespace)
                .listAll(ListOptions(labelSelector: selector)).items
        } catch {
            throw session.failure(error, "cannot list the deployments of modeldeployment \"\(name)\"")
        }
        return items.compactMap { item -> ServingDeployment? in
            let owners = item[path: ["metadata", "ownerReferences"]]?.arrayValue ?? []
            guard owners.contains(where: { $0["uid"]?.stringValue == deployment.metadata.uid && $0["controller"]?.boolValue == true }),
                  let observed = ObservedDeployment(json: item) else { return nil }
            return ServingDeployment(observed: observed,
                                     role: item[path: ["metadata", "labels", ServingNames.roleLabel]]?.stringValue)
        }.sorted { $0.observed.name < $1.observed.name }
    }
}
