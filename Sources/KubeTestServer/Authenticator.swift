import Foundation
import KubeTestServerCore
import Synchronization

/// Bearer tokens and client certificates → user and groups. Anything else is 401. Tokens are
/// the server's own (admin, `serviceAccountToken`) or those the TokenRequest API issued; the
/// table lives in `APIServer` so that TokenReviews see the same tokens.
final class Authenticator: Sendable {
    private let api: APIServer
    /// Identities by certificate: a client sends the same certificate with every request, and
    /// parsing it (DER, then the subject) was 2 % of the server's CPU under load. A certificate
    /// names the same user and groups whenever it is read, so the cache cannot go stale; it is
    /// emptied when it reaches `identityCacheLimit` certificates.
    private let identities = Mutex<[[UInt8]: UserInfo]>([:])
    static let identityCacheLimit = 256

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
        if let der = certificateDER, let user = certificateUser(der) {
            return user
        }
        // As Go's bearertoken authenticator reads the header: "Bearer", one space, the token (the
        // second space-separated field; an empty one is an invalid token).
        let parts = (authorization ?? "").trimmingCharacters(in: .whitespaces).split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
        if parts.count >= 2, parts[0].lowercased() == "bearer", !parts[1].isEmpty {
            return api.authenticate(bearerToken: String(parts[1]))?.user
        }
        return nil
    }

    private func certificateUser(_ der: [UInt8]) -> UserInfo? {
        if let known = identities.withLock({ $0[der] }) { return known }
        guard let identity = CertificateAuthority.identity(fromDER: der) else { return nil }
        let user = UserInfo(name: identity.user, groups: identity.groups + ["system:authenticated"])
        identities.withLock { cache in
            if cache.count >= Self.identityCacheLimit { cache.removeAll() }
            cache[der] = user
        }
        return user
    }
}
