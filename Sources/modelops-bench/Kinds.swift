import KubeClient
import ModelOpsAPI

/// The resources the scenarios create, watch and count.
enum Kinds {
    static let modelDeployments = ResourceInfo(ModelDeployment.self)
    static let trainingJobs = ResourceInfo(TrainingJob.self)
    static let retrainPolicies = ResourceInfo(RetrainPolicy.self)
    static let namespaces = ResourceInfo(group: "", version: "v1", kind: "Namespace", plural: "namespaces", namespaced: false)
    static let deployments = ResourceInfo(group: "apps", version: "v1", kind: "Deployment", plural: "deployments", namespaced: true)
    static let services = ResourceInfo(group: "", version: "v1", kind: "Service", plural: "services", namespaced: true)
    static let jobs = ResourceInfo(group: "batch", version: "v1", kind: "Job", plural: "jobs", namespaced: true)
    static let pods = ResourceInfo(group: "", version: "v1", kind: "Pod", plural: "pods", namespaced: true)
    static let crds = ResourceInfo(group: "apiextensions.k8s.io", version: "v1", kind: "CustomResourceDefinition",
                                   plural: "customresourcedefinitions", namespaced: false)
}
