import KubeCore
import KubeProtobuf

/// The review kinds: answered from the request, never stored (`POST` only, 201 with the object
/// and its `status`).
///
/// Discovery pins their existence (golden 014: `tokenreviews`, `subjectaccessreviews`,
/// `selfsubjectaccessreviews`, `selfsubjectreviews`, cluster scope, verb create). No recorded
/// exchange pins the answers: the checks and messages follow kube-apiserver's registries
/// (pkg/registry/authentication/tokenreview, pkg/registry/authorization/subjectaccessreview and
/// the authorization validation) and the RBAC authorizer.
extension APIServer {
    func review(_ request: APIRequest, resource: ResourceType) throws -> APIResponse {
        var body: JSON
        let contentType = request.headers["content-type"]?.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        if resource.kind == "SelfSubjectReview", contentType == Self.protobufMediaType {
            // `kubectl auth whoami` sends protobuf. A SelfSubjectReview has no spec and the
            // server ignores whatever metadata it carries, so the envelope is all there is to read.
            do {
                _ = try ProtobufEnvelope(decoding: request.body)
            } catch {
                throw APIError.badRequest("the object provided is unrecognized (must be of type \(resource.kind)): \(error.message) (\(Self.summarize(request.body)))")
            }
            body = [:]
        } else {
            // Other reviews are read like any body: JSON, YAML, or protobuf for the kinds the
            // test server has messages for (`kubectl auth can-i` sends its review as protobuf).
            body = try decodeBody(request, resource: resource)
        }
        try checkTypeMeta(&body, resource: resource)
        // A review's metadata is empty: its zero creationTimestamp is left out, as v1.36 leaves
        // zero times out (golden 137: kubectl's `creationTimestamp: null` is not in what the
        // server answers).
        body["metadata"] = [:]
        switch resource.kind {
        case "SelfSubjectReview":
            body["status"] = ["userInfo": userInfoJSON(request.user)]
        case "TokenReview":
            // Token authentication as the server's own authenticators do it, for `spec.audiences`
            // (the API server's audience when empty): a token issued for other audiences is not
            // authenticated, and `status.audiences` is the overlap. `status.error` is what the
            // bearer-token authenticator says: the JWT authenticator's audience error, else
            // "invalid bearer token".
            let token = body[path: ["spec", "token"]]?.stringValue ?? ""
            guard !token.isEmpty else { throw APIError.badRequest("token is required for TokenReview in authentication") }
            let requested = (body[path: ["spec", "audiences"]]?.arrayValue ?? []).compactMap(\.stringValue)
            if let (user, audiences) = authenticate(bearerToken: token, audiences: requested.isEmpty ? nil : requested) {
                body["status"] = ["authenticated": true, "user": userInfoJSON(user), "audiences": .array(audiences.map(JSON.string))]
            } else {
                let wanted = requested.isEmpty ? [Self.tokenIssuer] : requested
                let error = tokenAudiences(token).map { issued in
                    "token audiences \(Self.goQuoted(issued)) is invalid for the target audiences \(Self.goQuoted(wanted))"
                } ?? "invalid bearer token"
                body["status"] = ["user": [:], "error": .string(error)]
            }
        case "SubjectAccessReview":
            let spec = body["spec"] ?? [:]
            var errors: [FieldError] = []
            let resourceAttributes = spec["resourceAttributes"].flatMap { $0 == .null ? nil : $0 }
            let nonResourceAttributes = spec["nonResourceAttributes"].flatMap { $0 == .null ? nil : $0 }
            if resourceAttributes != nil, let nonResourceAttributes {
                errors.append(.invalid("spec.nonResourceAttributes", nonResourceAttributes, "cannot be specified in combination with resourceAttributes"))
            }
            if resourceAttributes == nil, nonResourceAttributes == nil {
                errors.append(.invalid("spec.resourceAttributes", .null, "exactly one of nonResourceAttributes or resourceAttributes must be specified"))
            }
            let name = spec["user"]?.stringValue ?? ""
            let groups = (spec["groups"]?.arrayValue ?? []).compactMap(\.stringValue)
            if name.isEmpty, groups.isEmpty {
                errors.append(.invalid("spec.user", .string(name), "at least one of user or group must be specified"))
            }
            if !errors.isEmpty { throw APIError.invalid(kind: resource.kind, group: resource.group, name: "", errors: errors) }
            let subject = UserInfo(name: name, groups: groups, uid: spec["uid"]?.stringValue ?? "")
            body["status"] = ["allowed": .bool(allows(subject, spec: spec))]
        default:
            let spec = body["spec"] ?? [:]
            let hasResource = spec["resourceAttributes"].map { $0 != .null } ?? false
            let hasNonResource = spec["nonResourceAttributes"].map { $0 != .null } ?? false
            if hasResource == hasNonResource {
                let error: FieldError = hasResource
                    ? .invalid("spec.nonResourceAttributes", spec["nonResourceAttributes"], "cannot be specified in combination with resourceAttributes")
                    : .invalid("spec.resourceAttributes", .null, "exactly one of nonResourceAttributes or resourceAttributes must be specified")
                throw APIError.invalid(kind: resource.kind, group: resource.group, name: "", errors: [error])
            }
            body["status"] = ["allowed": .bool(allows(request.user, spec: spec))]
        }
        return .json(201, body)
    }

    /// RBAC's answer for resource or non-resource attributes (a SubjectAccessReview's or a
    /// SelfSubjectAccessReview's spec). `system:masters` is allowed everything, as the real
    /// server's privileged-group authorizer allows it.
    private func allows(_ user: UserInfo, spec: JSON) -> Bool {
        if user.isMaster || !configuration.rbac { return true }
        if let attributes = spec["nonResourceAttributes"], attributes != .null {
            return RBACAuthorizer(store: store).allowsNonResource(
                user, verb: attributes["verb"]?.stringValue ?? "", path: attributes["path"]?.stringValue ?? "")
        }
        let attributes = spec["resourceAttributes"] ?? [:]
        return RBACAuthorizer(store: store).allows(
            user, verb: attributes["verb"]?.stringValue ?? "", group: attributes["group"]?.stringValue ?? "",
            resource: attributes["resource"]?.stringValue ?? "", subresource: attributes["subresource"]?.stringValue ?? "",
            namespace: attributes["namespace"]?.stringValue ?? "", name: attributes["name"]?.stringValue ?? "")
    }

    private func userInfoJSON(_ user: UserInfo) -> JSON {
        var info: [String: JSON] = ["username": .string(user.name), "groups": .array(user.groups.map(JSON.string))]
        if !user.uid.isEmpty { info["uid"] = .string(user.uid) }
        if !user.extra.isEmpty { info["extra"] = .object(user.extra.mapValues { .array($0.map(JSON.string)) }) }
        return .object(info)
    }

    /// The audiences a live TokenRequest token was issued for; nil for any other string.
    private func tokenAudiences(_ token: String) -> [String]? {
        guard let entry = tokens.lookup(token), configuration.now() < entry.expires else { return nil }
        return entry.audiences
    }

    /// Go's `%q` of a `[]string`: `["a" "b"]`.
    static func goQuoted(_ values: [String]) -> String {
        "[" + values.map { GoQuote.quote($0) }.joined(separator: " ") + "]"
    }
}
