import Foundation
import KubeClient
import KubeCore
import KubeRuntime
import ModelOpsAPI

/// Builds the RetrainPolicy controller: the policies, the TrainingJobs they own, the ConfigMaps
/// their DataVersion triggers read and the ModelDeployments whose rejected versions they must not
/// promote, all feeding one work queue reconciled by `RetrainPolicyReconciler`.
public enum RetrainPolicyController {
    public static let name = "retrainpolicy"

    /// How often a Metric trigger's query is evaluated; its `for` window is measured in
    /// consecutive evaluations this far apart.
    public static let metricEvaluationInterval: Duration = .seconds(30)

    /// Metric triggers are measured with `context.measurer`.
    public static func make(_ context: OperatorContext) -> Controller<RetrainPolicy> {
        let client = context.client
        let namespace = context.namespace
        let policies = context.informers.informer(client.resource(RetrainPolicy.self, namespace: namespace), options: context.informerOptions)
        var jobOptions = context.informerOptions
        jobOptions.labelSelector = RetrainRunNames.policyLabel
        let jobs = Informer(client.resource(TrainingJob.self, namespace: namespace), options: jobOptions)
        let configMaps = context.informers.informer(client.resource(ConfigMap.self, namespace: namespace), options: context.informerOptions)
        let deployments = context.informers.informer(client.resource(ModelDeployment.self, namespace: namespace), options: context.informerOptions)

        policies.store.addIndex(configMapIndex) { policy in
            (policy.spec.triggers ?? []).compactMap { trigger in
                trigger.dataVersion.map { "\(policy.metadata.namespace ?? "")/\($0.configMapRef.name)" }
            }
        }
        policies.store.addIndex(deploymentIndex) { policy in
            ["\(policy.metadata.namespace ?? "")/\(policy.spec.modelDeploymentRef.name)"]
        }

        let reconciler = RetrainPolicyReconciler(context: context, policies: policies, jobs: jobs, configMaps: configMaps,
                                                 deployments: deployments)
        let controller = Controller(name: name, for: policies, workers: context.workers, rateLimits: context.rateLimits,
                                    time: context.clock.time, queueObserver: context.metrics.queueObserver(name: name),
                                    observer: context.metrics.controllerObserver(name: name), logger: context.logger) { ref, _ in
            try await reconciler.reconcile(ref)
        }
        controller.owns(jobs)
        controller.watches(configMaps) { configMap in
            policies.store.refs(index: configMapIndex, value: "\(configMap.metadata.namespace ?? "")/\(configMap.metadata.name ?? "")")
        }
        controller.watches(deployments) { deployment in
            let namespace = deployment.metadata.namespace
            var refs = policies.store.refs(index: deploymentIndex, value: "\(namespace ?? "")/\(deployment.metadata.name ?? "")")
            if let followed = deployment.spec.model.fromPolicy {
                refs.append(ObjectRef(namespace: namespace, name: followed))
            }
            return refs
        }
        return controller
    }

    static let configMapIndex = "dataVersionConfigMap"
    static let deploymentIndex = "modelDeployment"
}
