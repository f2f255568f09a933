import Foundation
import KubeTestServerCore
import Testing
@testable import KubeTestServer

/// Client certificates name their user (CN) and groups (O); the authenticator keeps the
/// identity of each certificate it has read, so this checks the kept ones stay apart.
struct AuthenticatorTests {
    static func der(_ issued: CertificateAuthority.Issued) -> [UInt8] {
        let body = issued.certificatePEM.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
        return Array(Data(base64Encoded: body)!)
    }

    @Test func eachCertificateKeepsItsOwnUserAndGroupsWhenReadAgain() throws {
        let ca = try CertificateAuthority()
        let authenticator = Authenticator(api: APIServer())
        let alice = Self.der(try ca.issueClient(user: "alice", groups: ["team-a", "ops"]))
        let bob = Self.der(try ca.issueClient(user: "bob", groups: []))
        for _ in 0..<2 {
            let a = authenticator.authenticate(authorization: nil, certificateDER: alice)
            #expect(a == UserInfo(name: "alice", groups: ["team-a", "ops", "system:authenticated"]))
            let b = authenticator.authenticate(authorization: nil, certificateDER: bob)
            #expect(b == UserInfo(name: "bob", groups: ["system:authenticated"]))
        }
        #expect(authenticator.authenticate(authorization: nil, certificateDER: Array(alice.dropLast(3))) == nil,
                "bytes that are no certificate authenticate nobody")
    }

    @Test func identitiesStayRightPastTheCacheLimit() throws {
        let ca = try CertificateAuthority()
        let authenticator = Authenticator(api: APIServer())
        let certificates = try (0...Authenticator.identityCacheLimit).map { Self.der(try ca.issueClient(user: "user-\($0)", groups: ["g\($0)"])) }
        for round in 0..<2 {
            for (i, der) in certificates.enumerated() {
                #expect(authenticator.authenticate(authorization: nil, certificateDER: der)?.name == "user-\(i)", "round \(round)")
            }
        }
    }
}
