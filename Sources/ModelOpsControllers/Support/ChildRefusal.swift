import KubeClient
import KubeCore

/// A child object the API server refused. Unlike a timeout, a 429 or a conflict, retrying the
/// same request gives the same answer: it is a fact about the spec (or the cluster) that belongs
/// in the owner's status and in one Warning event, not in a quiet retry loop that leaves the
/// status empty.
public struct ChildRefusal: Error, Sendable, Equatable {
    /// The reason of the owner's condition and of the Warning event.
    public static let reason = "ChildRefused"

    public var kind: String
    public var name: String
    /// The API server's answer (metav1.Status), kept whole: code, reason, message, causes.
    public var status: Status

    public init(kind: String, name: String, status: Status) {
        self.kind = kind
        self.name = name
        self.status = status
    }

    /// The refusal in `error`, or nil when the error is worth retrying as it is (transport
    /// failures, timeouts, 409, 429, 5xx other than a schema mismatch).
    public init?(_ error: KubeError, kind: String, name: String) {
        guard let status = error.status, Self.isRefusal(status) else { return nil }
        self.init(kind: kind, name: name, status: status)
    }

    static func isRefusal(_ status: Status) -> Bool {
        switch status.code ?? 0 {
        case 400, 403, 404, 405, 406, 413, 415, 422: return true
        case 500:
            // Server-side apply answers 500 when the object does not fit the served schema
            // (structured-merge-diff: "field not declared in schema"): the same request fails
            // the same way until the CRD changes.
            let message = status.message ?? ""
            return message.contains("field not declared in schema") || message.contains("failed to create typed patch object")
        default: return false
        }
    }

    /// One line for the status message, the condition and the event: which child, the server's
    /// code and reason, its message (which names the field), and what to do where we know.
    public var summary: String {
        var text = "\(kind) \(name) refused by the API server (\(status.code ?? 0) \(status.reason ?? "")): \(status.message ?? "")"
        if let hint { text += "; \(hint)" }
        return text
    }

    /// Advice for refusals with a known cause.
    var hint: String? {
        let message = status.message ?? ""
        if kind == "HTTPRoute", message.contains("requestMirror.percent") || message.contains("requestMirror.fraction") {
            return "the cluster's Gateway API has no HTTPRoute requestMirror.percent, which the Shadow strategy needs: "
                + "install Gateway API v1.3 or later (standard channel)"
        }
        if kind == "HTTPRoute", status.code == 404 {
            return "the Gateway API (gateway.networking.k8s.io/v1 HTTPRoute) is not installed in this cluster: "
                + "install it, or use trafficRouting.type Replicas"
        }
        if status.code == 403 {
            return "the operator's RBAC does not allow it (see manifests/rbac)"
        }
        return nil
    }
}
