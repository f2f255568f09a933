import Foundation
import KubeTestServerCore
import Synchronization

/// Bearer tokens and client certificates → user and groups. Anything else is 401. Tokens are
/// the server's own (admin, `serviceAccountToken`) or those the TokenRequest API issued.
final class Authenticator: Sendable {
    private let tokens = Mutex<[String: UserInfo]>([:])
    private let api: APIServer

    init(api: APIServer) {
        self.api = api
    }

    func add(token: String, user: UserInfo) {
        tokens.withLock { $0[token] = user }
    }

    func remove(token: String) {
        _ = tokens.withLock { $0.removeValue(forKey: token) }
    }

    func authenticate(authorization: String?, certificateDER: [UInt8]?) -> UserInfo? {
        if let authorization, authorization.lowercased().hasPrefix("bearer ") {
            let token = String(authorization.dropFirst(7)).trimmingCharacters(in: .whitespaces)
            // A wrong token is refused even when a certificate is present, as the real server's
            // union authenticator reports the token failure.
            return (tokens.withLock { $0[token] } ?? api.authenticate(serviceAccountToken: token)).map { user in
                UserInfo(name: user.name, groups: user.groups + ["system:authenticated"])
            }
        }
        if let der = certificateDER, let identity = CertificateAuthority.identity(fromDER: der) {
            return UserInfo(name: identity.user, groups: identity.groups + ["system:authenticated"])
        }
        return nil
    }
}
