import Foundation
import KubeTestServerCore

/// Bearer tokens and client certificates → user and groups. Anything else is 401. Tokens are
/// the server's own (admin, `serviceAccountToken`) or those the TokenRequest API issued; the
/// table lives in `APIServer` so that TokenReviews see the same tokens.
final class Authenticator: Sendable {
    private let api: APIServer

    init(api: APIServer) {
        self.api = api
    }

    func add(token: String, user: UserInfo) {
        api.addStaticToken(token, user: user)
    }

    func remove(token: String) {
        api.removeStaticToken(token)
    }

    /// In kube-apiserver's order: its union authenticator tries the client certificate (x509)
    /// before the token authenticators and takes the first that succeeds, so a valid certificate
    /// wins over a bad token.
    func authenticate(authorization: String?, certificateDER: [UInt8]?) -> UserInfo? {
        if let der = certificateDER, let identity = CertificateAuthority.identity(fromDER: der) {
            return UserInfo(name: identity.user, groups: identity.groups + ["system:authenticated"])
        }
        // As Go's bearertoken authenticator reads the header: "Bearer", one space, the token (the
        // second space-separated field; an empty one is an invalid token).
        let parts = (authorization ?? "").trimmingCharacters(in: .whitespaces).split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
        if parts.count >= 2, parts[0].lowercased() == "bearer", !parts[1].isEmpty {
            return api.authenticate(bearerToken: String(parts[1]))?.user
        }
        return nil
    }
}
