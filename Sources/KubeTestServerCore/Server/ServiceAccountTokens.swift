import Foundation
import KubeCore
import Synchronization

/// Tokens issued by the TokenRequest API (`POST …/serviceaccounts/<name>/token`, what
/// `kubectl create token` calls), remembered so the HTTPS front can authenticate them. As the
/// real server's bound-token validation does, a token stops authenticating when it expires, when
/// its ServiceAccount is deleted (or recreated with another uid), and when the Pod or Secret it
/// is bound to is gone.
public final class ServiceAccountTokens: Sendable {
    /// What one token stands for.
    struct Issued: Sendable {
        var namespace: String
        var serviceAccount: String
        var uid: String
        var expires: Date
        /// The token's `aud` claim (TokenRequest `spec.audiences`).
        var audiences: [String]
        /// The token's `jti` claim, which the authenticator reports as the credential id.
        var jti: String
        /// The object the token is bound to (`spec.boundObjectRef`): its storage key, key and uid.
        var boundTo: (storageKey: String, key: ObjectKey, uid: String)?
    }

    private let issued = Mutex<[String: Issued]>([:])

    func remember(_ token: String, _ entry: Issued) {
        issued.withLock { $0[token] = entry }
    }

    func lookup(_ token: String) -> Issued? {
        issued.withLock { $0[token] }
    }

    /// A token shaped like the real server's (a JWT: header, claims, signature, base64url), so
    /// that clients which read its claims (`exp`, `sub`) find them. Nothing verifies the
    /// signature: the server knows its tokens by value.
    static func mint(namespace: String, name: String, uid: String, audiences: [String], jti: String, issuedAt: Date, expires: Date) -> String {
        func segment(_ json: JSON) -> String { base64URL(json.serialized()) }
        let header: JSON = ["alg": "RS256", "kid": "modelops-test-server"]
        let claims: JSON = [
            "aud": .array(audiences.map(JSON.string)),
            "exp": .int(Int64(expires.timeIntervalSince1970)),
            "iat": .int(Int64(issuedAt.timeIntervalSince1970)),
            "nbf": .int(Int64(issuedAt.timeIntervalSince1970)),
            "iss": .string(APIServer.tokenIssuer),
            "jti": .string(jti),
            "kubernetes.io": ["namespace": .string(namespace), "serviceaccount": ["name": .string(name), "uid": .string(uid)]],
            "sub": .string("system:serviceaccount:\(namespace):\(name)"),
        ]
        let signature = (0..<256).map { _ in UInt8.random(in: 0...255) }
        return [segment(header), segment(claims), base64URL(signature)].joined(separator: ".")
    }

    static func base64URL(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}

extension APIServer {
    /// The issuer and default audience of service-account tokens, as kubeadm and kind configure
    /// the real server (`--service-account-issuer`, `--api-audiences`).
    static let tokenIssuer = "https://kubernetes.default.svc.cluster.local"

    /// The identity of a token the TokenRequest API issued, while it is still valid and meant for
    /// one of `audiences` (the API server's own when nil); nil for any other string (the HTTPS
    /// front then tries its own tokens, and answers 401). The extra the real authenticator adds:
    /// the credential id (`JTI=<jti>`) and, for a token bound to a Pod, the Pod's name and uid.
    public func authenticate(serviceAccountToken token: String, audiences: [String]? = nil) -> (user: UserInfo, audiences: [String])? {
        guard let entry = tokens.lookup(token), configuration.now() < entry.expires else { return nil }
        let wanted = audiences ?? [Self.tokenIssuer]
        let matched = wanted.filter(entry.audiences.contains)
        guard !matched.isEmpty else { return nil }
        let valid = store.withState { state -> Bool in
            guard let account = state.get("serviceaccounts", ObjectKey(namespace: entry.namespace, name: entry.serviceAccount)),
                  account.uid == entry.uid, account.object[path: ["metadata", "deletionTimestamp"]] == nil else { return false }
            guard let bound = entry.boundTo else { return true }
            guard let object = state.get(bound.storageKey, bound.key) else { return false }
            return object.uid == bound.uid && object.object[path: ["metadata", "deletionTimestamp"]] == nil
        }
        guard valid else { return nil }
        var extra = ["authentication.kubernetes.io/credential-id": ["JTI=\(entry.jti)"]]
        if let bound = entry.boundTo, bound.storageKey == "pods" {
            extra["authentication.kubernetes.io/pod-name"] = [bound.key.name]
            extra["authentication.kubernetes.io/pod-uid"] = [bound.uid]
        }
        return (UserInfo(name: "system:serviceaccount:\(entry.namespace):\(entry.serviceAccount)",
                         groups: ["system:serviceaccounts", "system:serviceaccounts:\(entry.namespace)"], uid: entry.uid, extra: extra),
                matched)
    }
}

extension APIServer {
    /// Accepts `token` as `user` from now on (the front end's own tokens).
    public func addStaticToken(_ token: String, user: UserInfo) {
        staticTokens.withLock { $0[token] = user }
    }

    /// Stops accepting a token `addStaticToken` added.
    public func removeStaticToken(_ token: String) {
        _ = staticTokens.withLock { $0.removeValue(forKey: token) }
    }

    /// Who a bearer token stands for, with `system:authenticated` added as the real server's
    /// authenticators add it, and the audiences it was accepted for; nil when no authenticator
    /// knows the token. `audiences` nil means the API server's own (a request); a TokenReview
    /// passes its `spec.audiences`. Static tokens know no audience, and, as kube-apiserver's
    /// audience-agnostic wrapper does, pass only when the API server's audience is asked for.
    /// Requests and TokenReviews ask the same question, so they cannot disagree.
    public func authenticate(bearerToken token: String, audiences: [String]? = nil) -> (user: UserInfo, audiences: [String])? {
        let found: (user: UserInfo, audiences: [String])?
        if let user = staticTokens.withLock({ $0[token] }) {
            let wanted = audiences ?? [Self.tokenIssuer]
            found = wanted.contains(Self.tokenIssuer) ? (user, [Self.tokenIssuer]) : nil
        } else {
            found = authenticate(serviceAccountToken: token, audiences: audiences)
        }
        return found.map { found in
            (UserInfo(name: found.user.name, groups: found.user.groups + ["system:authenticated"], uid: found.user.uid, extra: found.user.extra),
             found.audiences)
        }
    }
}
