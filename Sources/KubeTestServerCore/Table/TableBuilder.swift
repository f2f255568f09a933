import Foundation
import KubeCore

/// Builds `meta.k8s.io/v1` Tables for `kubectl get`: a Name column, then the CRD's printer
/// columns (or a lone Age when it declares none), or the built-in kind's columns.
struct TableBuilder {
    let resource: ResourceType
    let now: Date

    static let nameDescription = "Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names"
    static let ageDescription = "CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata"

    struct Column {
        var name: String
        var type: String
        var format: String = ""
        var description: String
        var priority: Int = 0
        var cell: (JSON) -> JSON
    }

    func columns() -> [Column] {
        var columns = [Column(name: "Name", type: "string", format: "name", description: Self.nameDescription) {
            $0[path: ["metadata", "name"]] ?? .null
        }]
        if let custom = resource.custom {
            if custom.printerColumns.isEmpty {
                columns.append(ageColumn(type: "date"))
            }
            for column in custom.printerColumns {
                let path = JSONPathExpression(column.jsonPath)
                let type = column.type
                columns.append(Column(name: column.name, type: type, format: column.format,
                                      description: column.description.isEmpty ? "Custom resource definition column (in JSONPath format): \(column.jsonPath)" : column.description,
                                      priority: column.priority) { object in
                    guard let value = path.evaluate(object).first else { return .null }
                    return cellValue(value, type: type)
                })
            }
            return columns
        }
        columns.append(contentsOf: builtinColumns())
        return columns
    }

    private func ageColumn(type: String = "string") -> Column {
        Column(name: "Age", type: type, description: Self.ageDescription) { object in
            guard let created = object[path: ["metadata", "creationTimestamp"]]?.stringValue,
                  let date = Timestamp.parse(created) else { return "<unknown>" }
            return .string(Timestamp.humanAge(from: date, to: now))
        }
    }

    func cellValue(_ value: JSON, type: String) -> JSON {
        switch type {
        case "date":
            if let text = value.stringValue, let date = Timestamp.parse(text) {
                return .string(Timestamp.humanAge(from: date, to: now))
            }
            return value
        case "integer":
            return value.intValue.map(JSON.int) ?? value
        case "number":
            return value.isNumber ? value : value
        case "boolean":
            return value
        default:
            switch value {
            case let .string(s): return .string(s)
            case .int, .double, .bool: return .string(value.serializedString())
            default: return .string(value.serializedString())
            }
        }
    }

    /// A Deployment's `-o wide` columns (priority 1): its pod template's containers and images, and
    /// its selector (golden 071).
    private func deploymentWideColumns() -> [Column] {
        func containers(_ object: JSON) -> [JSON] { object[path: ["spec", "template", "spec", "containers"]]?.arrayValue ?? [] }
        return [
            Column(name: "Containers", type: "string", description: "Names of each container in the template.", priority: 1) {
                .string(containers($0).compactMap { $0["name"]?.stringValue }.joined(separator: ","))
            },
            Column(name: "Images", type: "string", description: "Images referenced by each container in the template.", priority: 1) {
                .string(containers($0).compactMap { $0["image"]?.stringValue }.joined(separator: ","))
            },
            Column(name: "Selector", type: "string", description: "Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment. It must match the pod template's labels.", priority: 1) {
                .string(Self.selectorText($0[path: ["spec", "selector"]] ?? [:]))
            },
        ]
    }

    /// A metav1.LabelSelector as labels.Selector's String() writes it: requirements sorted by
    /// key, `k=v`, `k in (a,b)`, `k notin (a,b)`, `k`, `!k`, joined by commas.
    static func selectorText(_ selector: JSON) -> String {
        var requirements: [(key: String, text: String)] = []
        for (key, value) in selector["matchLabels"]?.objectValue ?? [:] {
            requirements.append((key, "\(key)=\(value.stringValue ?? "")"))
        }
        for expression in selector["matchExpressions"]?.arrayValue ?? [] {
            let key = expression["key"]?.stringValue ?? ""
            let values = (expression["values"]?.arrayValue ?? []).compactMap(\.stringValue).sorted().joined(separator: ",")
            switch expression["operator"]?.stringValue ?? "" {
            case "In": requirements.append((key, "\(key) in (\(values))"))
            case "NotIn": requirements.append((key, "\(key) notin (\(values))"))
            case "Exists": requirements.append((key, key))
            case "DoesNotExist": requirements.append((key, "!\(key)"))
            default: continue
            }
        }
        return requirements.sorted { $0.key < $1.key }.map(\.text).joined(separator: ",")
    }

    private func builtinColumns() -> [Column] {
        func int(_ object: JSON, _ path: String) -> Int64 { object[dotted: path]?.intValue ?? 0 }
        switch (resource.group, resource.kind) {
        case ("apps", "Deployment"):
            return [
                Column(name: "Ready", type: "string", description: "Number of the pod with ready state") {
                    .string("\(int($0, "status.readyReplicas"))/\(int($0, "spec.replicas"))")
                },
                Column(name: "Up-to-date", type: "string", description: "Total number of non-terminating pods targeted by this deployment that have the desired template spec.") {
                    .int(int($0, "status.updatedReplicas"))
                },
                Column(name: "Available", type: "string", description: "Total number of available non-terminating pods (ready for at least minReadySeconds) targeted by this deployment.") {
                    .int(int($0, "status.availableReplicas"))
                },
                ageColumn(),
            ] + deploymentWideColumns()
        case ("batch", "Job"):
            return [
                Column(name: "Status", type: "string", description: "Status of the job.") { job in
                    let conditions = job[path: ["status", "conditions"]]?.arrayValue ?? []
                    func has(_ t: String) -> Bool { conditions.contains { $0["type"]?.stringValue == t && $0["status"]?.stringValue == "True" } }
                    if has("Complete") { return "Complete" }
                    if has("Failed") { return "Failed" }
                    if has("FailureTarget") { return "FailureTarget" }
                    if has("SuccessCriteriaMet") { return "SuccessCriteriaMet" }
                    return "Running"
                },
                Column(name: "Completions", type: "string", description: "The completion status of the job.") {
                    .string("\(int($0, "status.succeeded"))/\($0[dotted: "spec.completions"]?.intValue ?? 1)")
                },
                Column(name: "Duration", type: "string", description: "Time required to complete the job.") { job in
                    guard let start = job[dotted: "status.startTime"]?.stringValue.flatMap(Timestamp.parse) else { return "" }
                    let end = job[dotted: "status.completionTime"]?.stringValue.flatMap(Timestamp.parse) ?? now
                    return .string(Timestamp.humanAge(from: start, to: end))
                },
                ageColumn(),
            ]
        case ("", "Pod"):
            return [
                Column(name: "Ready", type: "string", description: "The aggregate readiness state of this pod for accepting traffic.") { pod in
                    let statuses = pod[path: ["status", "containerStatuses"]]?.arrayValue ?? []
                    let total = pod[path: ["spec", "containers"]]?.arrayValue?.count ?? statuses.count
                    return .string("\(statuses.filter { $0["ready"]?.boolValue == true }.count)/\(total)")
                },
                Column(name: "Status", type: "string", description: "The aggregate status of the containers in this pod.") { pod in
                    for status in pod[path: ["status", "containerStatuses"]]?.arrayValue ?? [] {
                        if let reason = status[path: ["state", "waiting", "reason"]]?.stringValue { return .string(reason) }
                        if let reason = status[path: ["state", "terminated", "reason"]]?.stringValue { return .string(reason) }
                    }
                    return pod[path: ["status", "phase"]] ?? "Pending"
                },
                Column(name: "Restarts", type: "string", description: "The number of times the containers in this pod have been restarted.") { pod in
                    .int((pod[path: ["status", "containerStatuses"]]?.arrayValue ?? []).reduce(0) { $0 + ($1["restartCount"]?.intValue ?? 0) })
                },
                ageColumn(),
            ]
        case ("", "Service"):
            return [
                Column(name: "Type", type: "string", description: "The type of the service.") { $0[dotted: "spec.type"] ?? "ClusterIP" },
                Column(name: "Cluster-IP", type: "string", description: "The IP address of the service.") { $0[dotted: "spec.clusterIP"] ?? "<none>" },
                Column(name: "External-IP", type: "string", description: "The external IP address of the service.") { _ in "<none>" },
                Column(name: "Port(s)", type: "string", description: "The port(s) of the service.") { svc in
                    let ports = (svc[dotted: "spec.ports"]?.arrayValue ?? []).map {
                        "\($0["port"]?.intValue ?? 0)/\($0["protocol"]?.stringValue ?? "TCP")"
                    }
                    return .string(ports.isEmpty ? "<none>" : ports.joined(separator: ","))
                },
                ageColumn(),
            ]
        case ("", "Namespace"):
            return [Column(name: "Status", type: "string", description: "The status of the namespace") { $0[dotted: "status.phase"] ?? "" }, ageColumn()]
        case ("", "ConfigMap"):
            return [Column(name: "Data", type: "integer", description: "Number of data entries.") {
                .int(Int64(($0["data"]?.objectValue?.count ?? 0) + ($0["binaryData"]?.objectValue?.count ?? 0)))
            }, ageColumn()]
        case ("", "Event"):
            return [
                Column(name: "Last Seen", type: "string", description: "Time since the event was last seen.") { event in
                    let text = event["lastTimestamp"]?.stringValue ?? event["eventTime"]?.stringValue ?? event[path: ["metadata", "creationTimestamp"]]?.stringValue
                    return .string(text.flatMap(Timestamp.parse).map { Timestamp.humanAge(from: $0, to: now) } ?? "<unknown>")
                },
                Column(name: "Type", type: "string", description: "Type of the event.") { $0["type"] ?? "" },
                Column(name: "Reason", type: "string", description: "Reason of the event.") { $0["reason"] ?? "" },
                Column(name: "Object", type: "string", description: "The object the event is about.") { e in
                    .string("\(e[dotted: "involvedObject.kind"]?.stringValue?.lowercased() ?? "")/\(e[dotted: "involvedObject.name"]?.stringValue ?? "")")
                },
                Column(name: "Message", type: "string", description: "The message of the event.") { $0["message"] ?? "" },
            ]
        default:
            return [ageColumn()]
        }
    }

    func table(objects: [JSON], listMeta: JSON, includeObject: String) -> JSON {
        let columns = columns()
        let definitions: [JSON] = columns.map {
            ["name": .string($0.name), "type": .string($0.type), "format": .string($0.format),
             "description": .string($0.description), "priority": .int(Int64($0.priority))]
        }
        let rows: [JSON] = objects.map { object in
            var row: JSON = ["cells": .array(columns.map { $0.cell(object) })]
            switch includeObject {
            case "None": break
            case "Object": row["object"] = object
            default:
                row["object"] = ["kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1",
                                 "metadata": object["metadata"] ?? [:]]
            }
            return row
        }
        return ["kind": "Table", "apiVersion": "meta.k8s.io/v1", "metadata": listMeta,
                "columnDefinitions": .array(definitions), "rows": .array(rows)]
    }
}
