import Foundation
import KubeCore

/// Defaulting and validation of the built-in kinds, to the extent an operator and its tests can
/// observe: the defaults the real server fills (so desired-vs-live comparisons converge) and the
/// validation errors an operator can provoke.
enum BuiltinAdmission {
    static func applyDefaults(_ object: inout JSON, resource: ResourceType, isCreate: Bool) {
        switch (resource.group, resource.kind) {
        case ("apps", "Deployment"):
            defaultIfMissing(&object, ["spec", "replicas"], 1)
            // SetDefaults_Deployment works field by field, so kubectl's `strategy: {}` (golden 137)
            // ends as the full RollingUpdate default.
            defaultIfMissing(&object, ["spec", "strategy", "type"], "RollingUpdate")
            if object[path: ["spec", "strategy", "type"]]?.stringValue == "RollingUpdate" {
                defaultIfMissing(&object, ["spec", "strategy", "rollingUpdate"], [:])
                defaultIfMissing(&object, ["spec", "strategy", "rollingUpdate", "maxUnavailable"], "25%")
                defaultIfMissing(&object, ["spec", "strategy", "rollingUpdate", "maxSurge"], "25%")
            }
            dropNullCreationTimestamp(&object, template: ["spec", "template"])
            defaultIfMissing(&object, ["spec", "revisionHistoryLimit"], 10)
            defaultIfMissing(&object, ["spec", "progressDeadlineSeconds"], 600)
            defaultPodSpec(&object, at: ["spec", "template", "spec"], isPod: false)
            if isCreate, object["status"] == nil { object["status"] = [:] }
        case ("batch", "Job"):
            defaultIfMissing(&object, ["spec", "parallelism"], 1)
            defaultIfMissing(&object, ["spec", "completions"], 1)
            defaultIfMissing(&object, ["spec", "backoffLimit"], 6)
            defaultIfMissing(&object, ["spec", "completionMode"], "NonIndexed")
            defaultIfMissing(&object, ["spec", "suspend"], false)
            defaultIfMissing(&object, ["spec", "podReplacementPolicy"], "TerminatingOrFailed")
            defaultIfMissing(&object, ["spec", "manualSelector"], false)
            defaultPodSpec(&object, at: ["spec", "template", "spec"], isPod: false)
            dropNullCreationTimestamp(&object, template: ["spec", "template"])
            if isCreate, object["status"] == nil { object["status"] = [:] }
        case ("", "Pod"):
            defaultPodSpec(&object, at: ["spec"], isPod: true)
            if isCreate, object["status"] == nil { object["status"] = ["phase": "Pending", "qosClass": "BestEffort"] }
        case ("", "Service"):
            defaultIfMissing(&object, ["spec", "type"], "ClusterIP")
            defaultIfMissing(&object, ["spec", "sessionAffinity"], "None")
            defaultIfMissing(&object, ["spec", "internalTrafficPolicy"], "Cluster")
            if var ports = object[path: ["spec", "ports"]]?.arrayValue {
                for i in ports.indices {
                    if ports[i]["protocol"] == nil { ports[i]["protocol"] = "TCP" }
                    if ports[i]["targetPort"] == nil { ports[i]["targetPort"] = ports[i]["port"] }
                }
                object[path: ["spec", "ports"]] = .array(ports)
            }
            if isCreate, object["status"] == nil { object["status"] = ["loadBalancer": [:]] }
        case ("", "Namespace"):
            if object[path: ["status", "phase"]] == nil { object[path: ["status", "phase"]] = "Active" }
            var labels = object[path: ["metadata", "labels"]]?.objectValue ?? [:]
            labels["kubernetes.io/metadata.name"] = object[path: ["metadata", "name"]]
            object[path: ["metadata", "labels"]] = .object(labels)
        case ("apiextensions.k8s.io", "CustomResourceDefinition"):
            // SetDefaults_CustomResourceDefinitionSpec, on decode, so owned by the writer (golden 012).
            defaultIfMissing(&object, ["spec", "conversion", "strategy"], "None")
            if let kind = object[path: ["spec", "names", "kind"]]?.stringValue {
                defaultIfMissing(&object, ["spec", "names", "singular"], .string(kind.lowercased()))
                defaultIfMissing(&object, ["spec", "names", "listKind"], .string(kind + "List"))
            }
        case ("", "Secret"):
            defaultIfMissing(&object, ["type"], "Opaque")
            foldStringData(&object)
        case ("", "Event"), ("events.k8s.io", "Event"):
            if object["involvedObject"]?.objectValue != nil, object[path: ["involvedObject", "namespace"]] == nil,
               let ns = object[path: ["metadata", "namespace"]] {
                if resource.group == "" { object[path: ["involvedObject", "namespace"]] = ns }
            }
        default:
            break
        }
    }

    /// What the real server adds after its field manager ran, so no manager owns it (goldens
    /// 011, 074, 075, 120, 125, 133): the strategies' PrepareForCreate (a Namespace's `kubernetes`
    /// finalizer, a Job's generated selector and labels), the Service REST's IP allocation (kept
    /// from the old object on an update that omits it, as its patchAllocatedValues does) and IP
    /// family defaults, and mutating admission (a Pod's priority and preemption policy).
    static func completeAfterFieldManager(_ object: inout JSON, old: JSON?, resource: ResourceType, isCreate: Bool) {
        switch (resource.group, resource.kind) {
        case ("batch", "Job"):
            if isCreate, let uid = object[path: ["metadata", "uid"]]?.stringValue, object[path: ["spec", "manualSelector"]]?.boolValue != true {
                let name = object[path: ["metadata", "name"]] ?? ""
                let labels: [String: JSON] = ["batch.kubernetes.io/controller-uid": .string(uid), "batch.kubernetes.io/job-name": name,
                                              "controller-uid": .string(uid), "job-name": name]
                object[path: ["spec", "selector"]] = ["matchLabels": ["batch.kubernetes.io/controller-uid": .string(uid)]]
                object[path: ["spec", "manualSelector"]] = false
                var templateLabels = object[path: ["spec", "template", "metadata", "labels"]]?.objectValue ?? [:]
                templateLabels.merge(labels) { _, new in new }
                object[path: ["spec", "template", "metadata", "labels"]] = .object(templateLabels)
                var jobLabels = object[path: ["metadata", "labels"]]?.objectValue ?? [:]
                if jobLabels.isEmpty { jobLabels = labels }
                object[path: ["metadata", "labels"]] = .object(jobLabels)
            }
        case ("", "Pod"):
            defaultIfMissing(&object, ["spec", "priority"], 0)
            defaultIfMissing(&object, ["spec", "preemptionPolicy"], "PreemptLowerPriority")
        case ("", "Service"):
            let type = object[path: ["spec", "type"]]?.stringValue
            if object[path: ["spec", "clusterIP"]] == nil, type != "ExternalName" {
                if let kept = old?[path: ["spec", "clusterIP"]], old?[path: ["spec", "type"]]?.stringValue != "ExternalName" {
                    object[path: ["spec", "clusterIP"]] = kept
                    object[path: ["spec", "clusterIPs"]] = old?[path: ["spec", "clusterIPs"]] ?? [kept]
                } else {
                    let ip = "10.96.\(Int.random(in: 0...255)).\(Int.random(in: 1...254))"
                    object[path: ["spec", "clusterIP"]] = .string(ip)
                    object[path: ["spec", "clusterIPs"]] = [.string(ip)]
                }
            }
            if type != "ExternalName" {
                defaultIfMissing(&object, ["spec", "ipFamilies"], ["IPv4"])
                defaultIfMissing(&object, ["spec", "ipFamilyPolicy"], "SingleStack")
            }
        case ("apiextensions.k8s.io", "CustomResourceDefinition"):
            // The strategy's PrepareForCreate: a new CRD's status, its names not yet accepted
            // (golden 012: `conditions: null`, empty accepted names, the storage version).
            if isCreate {
                let stored = (object[path: ["spec", "versions"]]?.arrayValue ?? [])
                    .filter { $0["storage"]?.boolValue == true }.compactMap { $0["name"] }
                object["status"] = ["conditions": .null, "acceptedNames": ["plural": "", "kind": ""], "storedVersions": .array(stored)]
            }
        case ("", "Namespace"):
            // The strategy's PrepareForCreate appends the `kubernetes` finalizer (goldens 011,
            // 133: in no managedFields entry); an update that left the finalizers out keeps it.
            var finalizers = object[path: ["spec", "finalizers"]]?.arrayValue ?? []
            if isCreate, !finalizers.contains("kubernetes") { finalizers.append("kubernetes") }
            if !isCreate, finalizers.isEmpty { finalizers = ["kubernetes"] }
            object[path: ["spec", "finalizers"]] = .array(finalizers)
        default:
            break
        }
    }

    /// A Secret's write-only `stringData` lands in `data`, base64-encoded, overriding the keys it
    /// shares with it (the v1 → internal conversion): stored and listed Secrets carry only
    /// `data` (golden 119).
    static func foldStringData(_ object: inout JSON) {
        guard let strings = object["stringData"]?.objectValue else { return }
        object["stringData"] = nil
        guard !strings.isEmpty else { return }
        var data = object["data"]?.objectValue ?? [:]
        for (key, value) in strings {
            data[key] = .string(Data((value.stringValue ?? "").utf8).base64EncodedString())
        }
        object["data"] = .object(data)
    }

    /// kubectl v1.32 writes a pod template's zero `creationTimestamp` as `null`; a v1.36 server
    /// decodes it to the zero time and does not write it back (golden 137's stored Deployment).
    static func dropNullCreationTimestamp(_ object: inout JSON, template: [String]) {
        let path = template + ["metadata", "creationTimestamp"]
        if object[path: path]?.isNull == true { object[path: path] = nil }
    }

    static func defaultIfMissing(_ object: inout JSON, _ path: [String], _ value: JSON) {
        if object[path: path] == nil || object[path: path]?.isNull == true { object[path: path] = value }
    }

    static func defaultPodSpec(_ object: inout JSON, at path: [String], isPod: Bool) {
        guard var spec = object[path: path], spec.objectValue != nil else { return }
        for list in ["containers", "initContainers"] {
            guard var containers = spec[list]?.arrayValue else { continue }
            for i in containers.indices {
                var c = containers[i]
                if c["terminationMessagePath"] == nil { c["terminationMessagePath"] = "/dev/termination-log" }
                if c["terminationMessagePolicy"] == nil { c["terminationMessagePolicy"] = "File" }
                if c["resources"] == nil { c["resources"] = [:] }
                if c["imagePullPolicy"] == nil {
                    let image = c["image"]?.stringValue ?? ""
                    let lastComponent = image.split(separator: "/").last ?? ""
                    let tagged = lastComponent.contains(":") || image.contains("@")
                    c["imagePullPolicy"] = (!tagged || image.hasSuffix(":latest")) ? "Always" : "IfNotPresent"
                }
                if var ports = c["ports"]?.arrayValue {
                    for p in ports.indices where ports[p]["protocol"] == nil { ports[p]["protocol"] = "TCP" }
                    c["ports"] = .array(ports)
                }
                containers[i] = c
            }
            spec[list] = .array(containers)
        }
        if spec["restartPolicy"] == nil { spec["restartPolicy"] = "Always" }
        if spec["terminationGracePeriodSeconds"] == nil { spec["terminationGracePeriodSeconds"] = 30 }
        if spec["dnsPolicy"] == nil { spec["dnsPolicy"] = "ClusterFirst" }
        if spec["securityContext"] == nil { spec["securityContext"] = [:] }
        if spec["schedulerName"] == nil { spec["schedulerName"] = "default-scheduler" }
        if isPod {
            if spec["enableServiceLinks"] == nil { spec["enableServiceLinks"] = true }
        }
        object[path: path] = spec
    }

    static func validate(_ object: JSON, old: JSON?, resource: ResourceType) -> [FieldError] {
        var errors: [FieldError] = []
        switch (resource.group, resource.kind) {
        case ("apps", "Deployment"):
            if object[path: ["spec", "selector"]] == nil {
                errors.append(.required("spec.selector"))
            } else if let match = object[path: ["spec", "selector", "matchLabels"]]?.objectValue {
                let labels = object[path: ["spec", "template", "metadata", "labels"]]?.objectValue ?? [:]
                if !match.allSatisfy({ labels[$0.key] == $0.value }) {
                    errors.append(.invalid("spec.template.metadata.labels", object[path: ["spec", "template", "metadata", "labels"]] ?? [:],
                                           "`selector` does not match template `labels`"))
                }
            }
            if let r = object[path: ["spec", "replicas"]]?.intValue, r < 0 {
                errors.append(.invalid("spec.replicas", .int(r), "must be greater than or equal to 0"))
            }
            errors += validatePodSpec(object[path: ["spec", "template", "spec"]], path: "spec.template.spec")
        case ("batch", "Job"):
            let policy = object[path: ["spec", "template", "spec", "restartPolicy"]]?.stringValue ?? ""
            if policy != "Never", policy != "OnFailure" {
                errors.append(.required("spec.template.spec.restartPolicy", "valid values: \"OnFailure\", \"Never\""))
            }
            if let old, old[path: ["spec", "template"]] != object[path: ["spec", "template"]] {
                errors.append(.invalid("spec.template", object[path: ["spec", "template"]] ?? .null, "field is immutable"))
            }
            errors += validatePodSpec(object[path: ["spec", "template", "spec"]], path: "spec.template.spec")
        case ("", "Pod"):
            errors += validatePodSpec(object["spec"], path: "spec")
        case ("events.k8s.io", "Event"):
            let ns = object[path: ["metadata", "namespace"]]?.stringValue ?? ""
            let involvedNS = object[path: ["involvedObject", "namespace"]]?.stringValue ?? ""
            if involvedNS != ns, !involvedNS.isEmpty || !ns.isEmpty {
                errors.append(.invalid("involvedObject.namespace", .string(involvedNS), "does not match event.namespace"))
            }
            if object["eventTime"] == nil || object["eventTime"]?.isNull == true { errors.append(.required("eventTime")) }
            let type = object["type"]?.stringValue ?? ""
            if type != "Normal", type != "Warning" {
                errors.append(.invalid("type", .string(""), "has invalid value: \(type)"))
            }
            for field in ["reportingComponent", "reportingInstance", "action", "reason"] {
                let value = object[field]?.stringValue ?? ""
                let display = field == "reportingComponent" ? "reportingController" : field
                if value.isEmpty, !(errors.count >= 3) { errors.append(.required(display)) }
                if value.count > 128 { errors.append(.invalid(display, .string(""), "can have at most 128 characters")) }
            }
            if (object["message"]?.stringValue ?? "").utf8.count > 1024 {
                errors.append(.invalid("note", .string(""), "can have at most 1024 characters"))
            }
            if let count = object[path: ["series", "count"]]?.intValue, count < 2 {
                errors.append(.invalid("series.count", .string(""), "should be at least 2"))
            }
        case ("coordination.k8s.io", "Lease"):
            if let d = object[path: ["spec", "leaseDurationSeconds"]]?.intValue, d <= 0 {
                errors.append(.invalid("spec.leaseDurationSeconds", .int(d), "must be greater than 0"))
            }
        default:
            break
        }
        return errors
    }

    static func validatePodSpec(_ spec: JSON?, path: String) -> [FieldError] {
        guard let spec else { return [.required(path)] }
        var errors: [FieldError] = []
        let containers = spec["containers"]?.arrayValue ?? []
        if containers.isEmpty { errors.append(.required("\(path).containers")) }
        var names = Set<String>()
        for (i, c) in containers.enumerated() {
            let name = c["name"]?.stringValue ?? ""
            if name.isEmpty { errors.append(.required("\(path).containers[\(i)].name")) }
            else if !names.insert(name).inserted { errors.append(.duplicate("\(path).containers[\(i)].name", .string(name))) }
            if (c["image"]?.stringValue ?? "").isEmpty { errors.append(.required("\(path).containers[\(i)].image")) }
        }
        return errors
    }
}
