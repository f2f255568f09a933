import Foundation
import KubeCore

/// `POST /api/v1/namespaces/<ns>/serviceaccounts/<name>/token`: the TokenRequest subresource, as
/// kube-apiserver's `TokenREST.Create` answers it (pkg/registry/core/serviceaccount/storage).
/// `kubectl create token` uses it; the end-to-end suites get the operator's credentials from it
/// on the test server as on a real cluster. No recorded exchange pins the answer beyond
/// discovery (golden 004 lists `serviceaccounts/token`, kind TokenRequest, verb create): the
/// checks, their order and their messages follow the upstream code.
extension APIServer {
    static let tokenRequestType = ResourceType(group: "authentication.k8s.io", version: "v1", kind: "TokenRequest",
                                               plural: "serviceaccounts", namespaced: true, verbs: ["create"])
    /// `TokenRequestSpec.expirationSeconds` when the request leaves it out (authentication/v1 defaults).
    static let defaultTokenSeconds: Int64 = 3600

    func createToken(_ request: APIRequest, target: ResourceTarget, name: String) throws -> APIResponse {
        let kind = Self.tokenRequestType
        var body = try decodeBody(request, resource: kind)
        try checkTypeMeta(&body, resource: kind)
        let namespace = target.namespace ?? ""
        // The generic create handler, before the registry sees the object.
        if let bodyNamespace = body[path: ["metadata", "namespace"]]?.stringValue, !bodyNamespace.isEmpty, bodyNamespace != namespace {
            throw APIError.badRequest("the namespace of the provided object does not match the namespace sent on the request")
        }
        if let bodyName = body[path: ["metadata", "name"]]?.stringValue, !bodyName.isEmpty, bodyName != name {
            throw APIError.invalid(kind: kind.kind, group: kind.group, name: name, errors: [
                .invalid("metadata.name", .string(bodyName), "must match the service account name if specified")])
        }
        guard let account = store.withState({ $0.get("serviceaccounts", ObjectKey(namespace: namespace, name: name)) }) else {
            throw APIError.notFound(resource: "serviceaccounts", group: "", name: name)
        }
        var spec = body["spec"]?.objectValue ?? [:]
        let seconds = spec["expirationSeconds"]?.intValue ?? Self.defaultTokenSeconds
        var audiences = (spec["audiences"]?.arrayValue ?? []).compactMap(\.stringValue)
        if audiences.isEmpty { audiences = [Self.tokenIssuer] }
        let issuedAt = configuration.now()

        var errors: [FieldError] = []
        if seconds < 600 {
            errors.append(.invalid("spec.expirationSeconds", .int(seconds), "may not specify a duration less than 10 minutes"))
        }
        if seconds > 1 << 32 {
            errors.append(.invalid("spec.expirationSeconds", .int(seconds), "may not specify a duration larger than 2^32 seconds"))
        }
        if !errors.isEmpty { throw APIError.invalid(kind: kind.kind, group: kind.group, name: "", errors: errors) }
        let boundTo = try boundObject(spec["boundObjectRef"], namespace: namespace, serviceAccount: name)

        let expires = issuedAt.addingTimeInterval(TimeInterval(seconds))
        let jti = UUID().uuidString.lowercased()
        let token = ServiceAccountTokens.mint(namespace: namespace, name: name, uid: account.uid, audiences: audiences, jti: jti,
                                              issuedAt: issuedAt, expires: expires)
        tokens.remember(token, .init(namespace: namespace, serviceAccount: name, uid: account.uid, expires: expires,
                                     audiences: audiences, jti: jti, boundTo: boundTo))

        spec["audiences"] = .array(audiences.map(JSON.string))
        spec["expirationSeconds"] = .int(seconds)
        if spec["boundObjectRef"] == nil { spec["boundObjectRef"] = .null }
        var metadata = body["metadata"]?.objectValue ?? [:]
        metadata["name"] = .string(name)
        metadata["namespace"] = .string(namespace)
        if (metadata["uid"]?.stringValue ?? "").isEmpty { metadata["uid"] = .string(account.uid) }
        metadata["creationTimestamp"] = .string(Timestamp.seconds(issuedAt))
        body["metadata"] = .object(metadata)
        body["spec"] = .object(spec)
        body["status"] = ["token": .string(token), "expirationTimestamp": .string(Timestamp.seconds(expires))]
        return .json(201, body)
    }

    /// `spec.boundObjectRef`: a Pod (running as this ServiceAccount) or a Secret of the namespace,
    /// which must exist (and have the given uid); the token dies with it.
    private func boundObject(_ reference: JSON?, namespace: String, serviceAccount: String) throws
        -> (storageKey: String, key: ObjectKey, uid: String)? {
        guard let reference, reference != .null else { return nil }
        let apiVersion = reference["apiVersion"]?.stringValue ?? ""
        let kind = reference["kind"]?.stringValue ?? ""
        let name = reference["name"]?.stringValue ?? ""
        let group = apiVersion.contains("/") ? String(apiVersion.split(separator: "/")[0]) : ""
        let version = apiVersion.contains("/") ? String(apiVersion.split(separator: "/")[1]) : apiVersion
        let plural: String
        switch (group, kind) {
        case ("", "Pod"): plural = "pods"
        case ("", "Secret"): plural = "secrets"
        case ("", "Node"):
            // The test server has no Node objects: a cluster without the named node.
            throw APIError.notFound(resource: "nodes", group: "", name: name)
        default:
            throw APIError.badRequest("cannot bind token to object of type \(group)/\(version), Kind=\(kind)")
        }
        guard let object = store.withState({ $0.get(plural, ObjectKey(namespace: namespace, name: name)) }) else {
            throw APIError.notFound(resource: plural, group: "", name: name)
        }
        if plural == "pods", object.object[path: ["spec", "serviceAccountName"]]?.stringValue != serviceAccount {
            throw APIError.badRequest("cannot bind token for serviceaccount \"\(serviceAccount)\" to pod running with different serviceaccount name.")
        }
        if let uid = reference["uid"]?.stringValue, !uid.isEmpty, uid != object.uid {
            throw APIError(code: 409, reason: "Conflict",
                           message: "Operation cannot be fulfilled on \(kind) \"\(name)\": the UID in the bound object reference (\(uid)) does not match the UID in record. The object might have been deleted and then recreated",
                           details: APIError.details(name: name, group: "", kind: kind))
        }
        return (plural, ObjectKey(namespace: namespace, name: name), object.uid)
    }
}
