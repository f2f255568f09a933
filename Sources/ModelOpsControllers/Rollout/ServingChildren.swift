import KubeCore
import ModelOpsAPI

/// The child objects of a ModelDeployment as server-side-apply configurations: only the fields the
/// operator owns, each child controller-owned by the ModelDeployment so deletion collects it.
public struct ServingChildren: Sendable {
    public let deployment: ModelDeployment
    public let names: ServingNames

    public init(_ deployment: ModelDeployment) {
        self.deployment = deployment
        names = ServingNames(deployment.metadata.name ?? "")
    }

    var namespace: String { deployment.metadata.namespace ?? "default" }
    var port: Int { deployment.spec.port ?? 8080 }

    var ownerReference: JSON { OwnerReference.controller(of: deployment).json }

    func metadata(_ name: String, labels: [String: String] = [:], annotations: [String: String] = [:]) -> JSON {
        var meta: JSON = ["name": .string(name), "namespace": .string(namespace), "ownerReferences": [ownerReference]]
        var allLabels = [WireContract.Labels.managedBy: "modelops", ServingNames.deploymentLabel: ServingNames.labelValue(names.name)]
        allLabels.merge(labels) { $1 }
        meta["labels"] = .object(allLabels.mapValues { .string($0) })
        if !annotations.isEmpty { meta["annotations"] = .object(annotations.mapValues { .string($0) }) }
        return meta
    }

    /// The Deployment serving one version: the spec's pod template (or `template`) with the version
    /// labels and MODEL_NAME/MODEL_VERSION/MODEL_URI injected into every container.
    public func servingDeployment(_ serving: ModelDeploymentPlan.ServingDeployment) -> JSON {
        let model = serving.model
        let podLabels = [
            ServingNames.deploymentLabel: ServingNames.labelValue(names.name),
            ServingNames.versionLabel: ServingNames.labelValue(model.version),
        ]
        var template = serving.template ?? deployment.spec.template
        if template.objectValue == nil { template = [:] }
        var labels = template[path: ["metadata", "labels"]]?.objectValue ?? [:]
        labels[ServingNames.modelLabel] = .string(ServingNames.labelValue(model.name))
        for (key, value) in podLabels { labels[key] = .string(value) }
        template[path: ["metadata", "labels"]] = .object(labels)
        if serving.template == nil {
            template[path: ["spec", "containers"]] = .array((template[path: ["spec", "containers"]]?.arrayValue ?? []).map { inject(model, into: $0) })
        }
        return [
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": metadata(names.deployment(version: model.version),
                                 labels: [ServingNames.versionLabel: ServingNames.labelValue(model.version),
                                          ServingNames.roleLabel: serving.role.rawValue],
                                 annotations: [ObservedDeployment.versionAnnotation: model.version]),
            "spec": [
                "replicas": .int(Int64(serving.replicas)),
                "selector": ["matchLabels": .object(podLabels.mapValues { .string($0) })],
                "template": template,
            ],
        ]
    }

    func inject(_ model: ModelVersion, into container: JSON) -> JSON {
        var container = container
        let injected: [(String, String)] = [("MODEL_NAME", model.name), ("MODEL_VERSION", model.version), ("MODEL_URI", model.uri)]
        let names = Set(injected.map(\.0))
        var env = (container["env"]?.arrayValue ?? []).filter { !names.contains($0["name"]?.stringValue ?? "") }
        env += injected.map { ["name": .string($0.0), "value": .string($0.1)] }
        container["env"] = .array(env)
        return container
    }

    /// A ClusterIP Service selecting the pods of `version` (every serving pod when nil).
    public func service(_ name: String, version: String?) -> JSON {
        var selector: [String: JSON] = [ServingNames.deploymentLabel: .string(ServingNames.labelValue(names.name))]
        if let version { selector[ServingNames.versionLabel] = .string(ServingNames.labelValue(version)) }
        return [
            "apiVersion": "v1", "kind": "Service",
            "metadata": metadata(name),
            "spec": [
                "selector": .object(selector),
                "ports": [["name": "http", "port": .int(Int64(port)), "targetPort": .int(Int64(port)), "protocol": "TCP"]],
            ],
        ]
    }

    /// Every Service the plan's routing needs: the main one always; `-stable` and `-canary` when a
    /// route points at them (Gateway API), while a candidate runs (to reach each version
    /// directly), or once they exist (kept up to date rather than deleted and made again). At
    /// rest under Replicas routing they would select what the main Service selects: a first
    /// version costs its Deployment and one Service.
    public func services(_ routing: ModelDeploymentPlan.Routing, existing: (String) -> Bool = { _ in true }) -> [JSON] {
        var services = [service(names.service, version: routing.mainVersion)]
        let versioned = deployment.spec.trafficRouting?.type == .gatewayAPI || deployment.spec.strategy?.type == .blueGreen
            || routing.canaryVersion != routing.stableVersion
        for (name, version) in [(names.stableService, routing.stableVersion), (names.canaryService, routing.canaryVersion)]
            where versioned || existing(name) {
            services.append(service(name, version: version))
        }
        if deployment.spec.strategy?.type == .blueGreen {
            services.append(service(names.previewService(deployment.spec.strategy?.blueGreen?.previewService),
                                    version: routing.canaryVersion))
        }
        return services
    }

    /// The HTTPRoute with exact weights over the `-stable` and `-canary` Services and, for
    /// Shadow, a RequestMirror filter to the candidate.
    public func httpRoute(_ routing: ModelDeploymentPlan.Routing) -> JSON? {
        guard deployment.spec.trafficRouting?.type == .gatewayAPI, let settings = deployment.spec.trafficRouting?.gatewayAPI else { return nil }
        func backend(_ name: String, weight: Int) -> JSON {
            ["name": .string(name), "port": .int(Int64(port)), "weight": .int(Int64(weight))]
        }
        var rule: JSON = [
            "backendRefs": [backend(names.stableService, weight: routing.stableWeight),
                            backend(names.canaryService, weight: routing.canaryWeight)],
        ]
        if let mirror = routing.mirrorPercent {
            rule["filters"] = [[
                "type": "RequestMirror",
                "requestMirror": ["backendRef": ["name": .string(names.canaryService), "port": .int(Int64(port))],
                                  "percent": .int(Int64(mirror))],
            ]]
        }
        var spec: JSON = ["rules": [rule]]
        if let parents = settings.parentRefs {
            spec["parentRefs"] = .array(parents.map { parent in
                var ref: JSON = ["name": .string(parent.name)]
                if let ns = parent.namespace { ref["namespace"] = .string(ns) }
                if let section = parent.sectionName { ref["sectionName"] = .string(section) }
                return ref
            })
        }
        if let hostnames = settings.hostnames { spec["hostnames"] = .array(hostnames.map { .string($0) }) }
        return [
            "apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute",
            "metadata": metadata(settings.httpRoute),
            "spec": spec,
        ]
    }
}
