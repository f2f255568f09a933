import KubeCore

/// The fields one kind lets lists and watches select on: what its field label conversion
/// accepts (pkg/apis/<group>/<version>/conversion.go; a kind without one has apimachinery's
/// default, metadata.name and metadata.namespace) and how its strategy's `ToSelectableFields`
/// reads each of them from the object (pkg/registry/...).
///
/// A refused field is a 400 whose message the conversion writes, in one of three forms: kinds with
/// their own conversion `field label not supported: spec.foo` (pods 147, custom resources 052),
/// the default one `"data.key" is not a known field selector: only "metadata.name",
/// "metadata.namespace"` (configmaps 146), and Jobs' `field label "spec.foo" not supported for Job`.
struct SelectableFields: Sendable, Equatable {
    enum Refusal: Sendable, Equatable {
        case notSupported
        case notSupportedFor(kind: String)
        case notKnown
    }

    /// Accepted label → the field the object is read at (events.k8s.io's `regarding.kind` is
    /// the stored core Event's `involvedObject.kind`).
    var accepted: [String: String]
    var refusal: Refusal

    /// The object-metadata fields every kind's conversion accepts, and only them.
    static let metadataOnly = SelectableFields(accepted: identity(["metadata.name", "metadata.namespace"]), refusal: .notKnown)

    static func identity(_ labels: [String]) -> [String: String] {
        Dictionary(uniqueKeysWithValues: labels.map { ($0, $0) })
    }

    static func of(_ resource: ResourceType) -> SelectableFields {
        if resource.custom != nil {
            return SelectableFields(accepted: metadataOnly.accepted, refusal: .notSupported)
        }
        switch (resource.group, resource.kind) {
        case ("", "Pod"):
            return SelectableFields(accepted: identity([
                "metadata.name", "metadata.namespace", "spec.nodeName", "spec.restartPolicy", "spec.schedulerName",
                "spec.serviceAccountName", "spec.hostNetwork", "status.phase", "status.podIP", "status.podIPs",
                "status.nominatedNodeName",
            ]).merging(["spec.host": "spec.nodeName"]) { a, _ in a }, refusal: .notSupported)
        case ("", "Node"):
            return SelectableFields(accepted: identity(["metadata.name", "spec.unschedulable"]), refusal: .notSupported)
        case ("", "ReplicationController"):
            return SelectableFields(accepted: identity(["metadata.name", "metadata.namespace", "status.replicas"]), refusal: .notSupported)
        case ("", "Event"):
            return SelectableFields(accepted: identity([
                "metadata.name", "metadata.namespace", "involvedObject.kind", "involvedObject.namespace", "involvedObject.name",
                "involvedObject.uid", "involvedObject.apiVersion", "involvedObject.resourceVersion", "involvedObject.fieldPath",
                "reason", "reportingComponent", "source", "type",
            ]), refusal: .notSupported)
        case ("events.k8s.io", "Event"):
            var accepted = identity(["metadata.name", "metadata.namespace", "reason", "source", "type"])
            for field in ["kind", "namespace", "name", "uid", "apiVersion", "resourceVersion", "fieldPath"] {
                accepted["regarding.\(field)"] = "involvedObject.\(field)"
            }
            accepted["reportingController"] = "reportingComponent"
            return SelectableFields(accepted: accepted, refusal: .notSupported)
        case ("", "Namespace"):
            return SelectableFields(accepted: identity(["metadata.name", "status.phase"]), refusal: .notSupported)
        case ("", "Secret"):
            return SelectableFields(accepted: identity(["metadata.name", "metadata.namespace", "type"]), refusal: .notSupported)
        case ("", "Service"):
            return SelectableFields(accepted: identity(["metadata.name", "metadata.namespace", "spec.clusterIP", "spec.type"]),
                                    refusal: .notSupported)
        case ("batch", "Job"):
            return SelectableFields(accepted: identity(["metadata.name", "metadata.namespace", "status.successful"]),
                                    refusal: .notSupportedFor(kind: "Job"))
        default:
            return metadataOnly
        }
    }

    /// The field a label selects, or the conversion's 400.
    func field(for label: String) throws(APIError) -> String {
        if let field = accepted[label] { return field }
        switch refusal {
        case .notSupported:
            throw APIError.badRequest("field label not supported: \(label)")
        case let .notSupportedFor(kind):
            throw APIError.badRequest("field label \(GoFormat.quote(label)) not supported for \(kind)")
        case .notKnown:
            throw APIError.badRequest("\(GoFormat.quote(label)) is not a known field selector: only \"metadata.name\", \"metadata.namespace\"")
        }
    }

    /// The value of a field as `ToSelectableFields` puts it in the field set: a string, numbers
    /// and booleans formatted, "" for what is missing.
    static func value(of field: String, in object: JSON) -> String {
        switch field {
        case "spec.hostNetwork", "spec.unschedulable":
            return format(object[dotted: field]) ?? "false"
        case "status.podIP":
            // The first of status.podIPs, which the real server keeps in step with status.podIP.
            return object[path: ["status", "podIPs"]]?.arrayValue?.first?["ip"]?.stringValue
                ?? format(object[dotted: field]) ?? ""
        case "status.podIPs":
            return ""  // accepted by the conversion, absent from the pod's field set
        case "status.successful":
            return format(object[path: ["status", "succeeded"]]) ?? "0"
        case "source":
            return format(object[path: ["source", "component"]]) ?? ""
        default:
            return format(object[dotted: field]) ?? ""
        }
    }

    private static func format(_ value: JSON?) -> String? {
        switch value {
        case let .string(s)?: return s
        case let .int(i)?: return String(i)
        case let .bool(b)?: return String(b)
        default: return nil
        }
    }
}
