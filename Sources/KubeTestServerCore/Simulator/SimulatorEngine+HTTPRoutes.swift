import KubeCore

extension SimulatorEngine {
    static let gatewayGroup = "gateway.networking.k8s.io"

    /// The annotation on a Gateway that says how the simulated gateway controller treats routes
    /// attached to it: `accept` (default), `refuse` (Accepted False, NotAllowedByListeners, as a
    /// real implementation reports a route its listeners do not allow) or `ignore` (no status at
    /// all, as for a Gateway no controller serves).
    static var gatewayRoutesAnnotation: String { SimulationAnnotations.gatewayRoutes }

    /// A Gateway API implementation's part: every parentRef of an HTTPRoute is Accepted and its
    /// references Resolved, for the route's current generation, unless the parent Gateway exists
    /// and its `sim.modelops.io/routes` annotation says otherwise (a parent that does not exist,
    /// or a cluster without the Gateway kind, is accepted, so tests need no Gateway objects).
    /// Parent statuses other controllers wrote are kept.
    func reconcileHTTPRoute(_ key: ObjectKey) async {
        guard let route = stored(WorkloadSimulator.httpRoutesKey, key),
              route[path: ["metadata", "deletionTimestamp"]] == nil else { return }
        let generation = route[path: ["metadata", "generation"]]?.intValue ?? 1
        let status = route["status"] ?? [:]
        let existing = status["parents"]?.arrayValue ?? []
        let controller = options.gatewayControllerName
        var parents = existing.filter { $0["controllerName"]?.stringValue != controller }
        for ref in route[path: ["spec", "parentRefs"]]?.arrayValue ?? [] {
            let treatment = gatewayTreatment(ref, routeNamespace: key.namespace)
            if treatment == "ignore" { continue }
            let old = existing.first { $0["controllerName"]?.stringValue == controller && $0["parentRef"] == ref }
            var conditions = old?["conditions"]?.arrayValue ?? []
            if treatment == "refuse" {
                Self.setGatewayCondition(&conditions, type: "Accepted", status: "False", reason: "NotAllowedByListeners",
                                         message: "no listener of the Gateway allows this route (simulated)",
                                         generation: generation, now: timestamp)
            } else {
                Self.setGatewayCondition(&conditions, type: "Accepted", reason: "Accepted", message: "Route is accepted",
                                         generation: generation, now: timestamp)
            }
            Self.setGatewayCondition(&conditions, type: "ResolvedRefs", reason: "ResolvedRefs",
                                     message: "Resolved all the Object references for the Route", generation: generation, now: timestamp)
            parents.append(["parentRef": ref, "controllerName": .string(controller), "conditions": .array(conditions)])
        }
        var desired = status
        desired["parents"] = .array(parents)
        guard desired != status, parents.count <= 32 else { return }
        guard let resource = servedHTTPRouteResource(for: route) else { return }
        var updated = route
        updated["status"] = desired
        updated["apiVersion"] = .string(resource.apiVersion)
        await updateStatus(updated, basePath: "/apis/\(resource.apiVersion)/namespaces/\(key.namespace)/httproutes", name: key.name,
                           retry: .httpRoute(key), agent: "modelops-simulated-gateway")
    }

    /// How the Gateway a parentRef names wants its routes treated (`gatewayRoutesAnnotation`).
    func gatewayTreatment(_ ref: JSON, routeNamespace: String) -> String {
        guard (ref["kind"]?.stringValue ?? "Gateway") == "Gateway",
              (ref["group"]?.stringValue ?? Self.gatewayGroup) == Self.gatewayGroup,
              let name = ref["name"]?.stringValue else { return "accept" }
        let gateway = stored("gateways.\(Self.gatewayGroup)", ObjectKey(namespace: ref["namespace"]?.stringValue ?? routeNamespace, name: name))
        return gateway?[path: ["metadata", "annotations", Self.gatewayRoutesAnnotation]]?.stringValue ?? "accept"
    }

    /// metav1.Condition with observedGeneration, as Gateway API implementations write it.
    static func setGatewayCondition(_ conditions: inout [JSON], type: String, status: String = "True", reason: String,
                                    message: String, generation: Int64, now: String) {
        let wanted: JSON = ["type": .string(type), "status": .string(status), "reason": .string(reason), "message": .string(message),
                            "observedGeneration": .int(generation), "lastTransitionTime": .string(now)]
        guard let index = conditions.firstIndex(where: { $0["type"]?.stringValue == type }) else {
            conditions.append(wanted)
            return
        }
        var updated = wanted
        if conditions[index]["status"]?.stringValue == status, let kept = conditions[index]["lastTransitionTime"] {
            updated["lastTransitionTime"] = kept
        }
        conditions[index] = updated
    }

    /// The served version of the HTTPRoute resource the object is stored as (else any served one).
    func servedHTTPRouteResource(for route: JSON) -> ResourceType? {
        let candidates = api.registry.resources.filter { $0.group == Self.gatewayGroup && $0.plural == "httproutes" }
        let apiVersion = route["apiVersion"]?.stringValue
        return candidates.first { $0.apiVersion == apiVersion } ?? candidates.first
    }
}
