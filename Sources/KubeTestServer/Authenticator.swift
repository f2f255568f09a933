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

    func authenticate(authorization: String?, certificateDER: [UInt8]?) -> UserInfo? {
        // As Go's bearertoken authenticator reads the header: "Bearer", one space, the token (the
        // second space-separated field; an empty one is an invalid token).
        let parts = (authorization ?? "").trimmingCharacters(in: .whitespaces).split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
        if parts.count >= 2, parts[0].lowercased() == "bearer" {
            // A wrong token is refused even when a certificate is present, as the real server's
            // union authenticator reports the token failure.
            return parts[1].isEmpty ? nil : api.authenticate(bearerToken: String(parts[1]))?.user
        }
        if let der = certificateDER, let identity = CertificateAuthority.identity(fromDER: der) {
            return UserInfo(name: identity.user, groups: identity.groups + ["system:authenticated"])
        }
        return nil
    }
}
