import Foundation
import KubeClient
import KubeCore
import KubeTestServer
import Logging
import Synchronization
import Testing
import TestSupport
@testable import KubeRuntime

/// The secure metrics endpoint's reviews against the API test server with RBAC on: who gets 401,
/// 403 and 200, and how long answers are cached (an injected clock, no waiting).
@Suite("DelegatedAuthorizer and the secure metrics listener")
struct DelegatedAuthorizerTests {
    static let reader = """
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {name: metrics-reader}
        rules:
        - {nonResourceURLs: ["/metrics"], verbs: [get]}
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRoleBinding
        metadata: {name: scraper-reads-metrics}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: metrics-reader}
        subjects:
        - {kind: ServiceAccount, name: scraper, namespace: default}
        """

    /// A clock the test moves.
    final class ManualClock: Sendable {
        private let offset = Mutex(Duration.zero)
        private let start = ContinuousClock.now
        var now: ContinuousClock.Instant { start + offset.withLock { $0 } }
        func advance(_ duration: Duration) { offset.withLock { $0 += duration } }
    }

    static func withServer(_ body: (TestCluster, KubeClient) async throws -> Void) async throws {
        let cluster = try await TestCluster.start(rbac: true, simulator: nil)
        let path = cluster.dir.appendingPathComponent("admin.kubeconfig").path
        try cluster.server.writeKubeconfig(to: path)
        let client = try KubeClient(configuration: ConfigLoader.load(kubeconfig: path, environment: [:]))
        do {
            try await cluster.kubectlOK("apply", "-f", "-", stdin: reader)
            try await body(cluster, client)
        } catch {
            client.shutdown()
            await cluster.stop()
            throw error
        }
        client.shutdown()
        await cluster.stop()
    }

    @Test("no or unknown token: unauthenticated; a bound ServiceAccount: allowed; another: forbidden naming the user")
    func decisions() async throws {
        try await Self.withServer { cluster, client in
            let authorizer = DelegatedAuthorizer(client: client)
            let scraper = cluster.server.serviceAccountToken(namespace: "default", name: "scraper")
            let other = cluster.server.serviceAccountToken(namespace: "default", name: "other")
            #expect(await authorizer.decide(authorization: nil, method: "GET", path: "/metrics") == .unauthenticated)
            #expect(await authorizer.decide(authorization: "Basic dXNlcjpwYXNz", method: "GET", path: "/metrics") == .unauthenticated)
            #expect(await authorizer.decide(authorization: "Bearer wrong", method: "GET", path: "/metrics") == .unauthenticated)
            #expect(await authorizer.decide(authorization: "Bearer", method: "GET", path: "/metrics") == .unauthenticated)
            #expect(await authorizer.decide(authorization: "Bearer  \(scraper)", method: "GET", path: "/metrics") == .unauthenticated,
                    "two spaces: the second field is empty, as Go's bearertoken reads it")
            #expect(await authorizer.decide(authorization: "Bearer \(scraper)", method: "GET", path: "/metrics")
                    == .allowed(user: "system:serviceaccount:default:scraper"))
            #expect(await authorizer.decide(authorization: "bearer \(scraper)", method: "GET", path: "/debug")
                    == .forbidden(user: "system:serviceaccount:default:scraper"), "only the path the ClusterRole names")
            #expect(await authorizer.decide(authorization: "Bearer \(other)", method: "GET", path: "/metrics")
                    == .forbidden(user: "system:serviceaccount:default:other"))
        }
    }

    @Test("answers are cached as controller-runtime caches them: a token for 1 min, allowed for 5 min, denied for 30 s")
    func caching() async throws {
        try await Self.withServer { cluster, client in
            let clock = ManualClock()
            var options = DelegatedAuthorizer.Options()
            options.now = { clock.now }
            let authorizer = DelegatedAuthorizer(client: client, options: options)
            let scraper = "Bearer " + cluster.server.serviceAccountToken(namespace: "default", name: "scraper")
            let other = "Bearer " + cluster.server.serviceAccountToken(namespace: "default", name: "other")
            let counter = cluster.server.api.counter
            func reviews() -> (tokens: Int, access: Int) {
                (counter.total(verbs: ["create"], resource: "tokenreviews"), counter.total(verbs: ["create"], resource: "subjectaccessreviews"))
            }
            counter.reset()
            for _ in 0..<5 { _ = await authorizer.decide(authorization: scraper, method: "GET", path: "/metrics") }
            #expect(reviews() == (1, 1), "five scrapes, one review of each kind")
            _ = await authorizer.decide(authorization: other, method: "GET", path: "/metrics")
            #expect(reviews() == (2, 2))

            clock.advance(.seconds(31))
            _ = await authorizer.decide(authorization: scraper, method: "GET", path: "/metrics")
            _ = await authorizer.decide(authorization: other, method: "GET", path: "/metrics")
            #expect(reviews() == (2, 3), "tokens still cached; the denial expired after 30 s, the allowance did not")

            clock.advance(.seconds(30))
            _ = await authorizer.decide(authorization: scraper, method: "GET", path: "/metrics")
            #expect(reviews() == (3, 3), "the token's review expired after a minute")

            // A revoked token is refused once its cached review expires.
            cluster.server.revokeToken(String(scraper.dropFirst(7)))
            #expect(await authorizer.decide(authorization: scraper, method: "GET", path: "/metrics") != .unauthenticated)
            clock.advance(.seconds(61))
            #expect(await authorizer.decide(authorization: scraper, method: "GET", path: "/metrics") == .unauthenticated)
        }
    }

    @Test("a review the API server refuses is a failure (500), not a pass, and is not cached")
    func refusedReview() async throws {
        try await Self.withServer { cluster, _ in
            // The authorizer runs as a ServiceAccount that may not create TokenReviews.
            let path = cluster.dir.appendingPathComponent("sa.kubeconfig").path
            try cluster.server.writeKubeconfig(to: path, for: .serviceAccount(namespace: "default", name: "operator"))
            let client = try KubeClient(configuration: ConfigLoader.load(kubeconfig: path, environment: [:]))
            defer { client.shutdown() }
            let authorizer = DelegatedAuthorizer(client: client)
            let scraper = "Bearer " + cluster.server.serviceAccountToken(namespace: "default", name: "scraper")
            #expect(await authorizer.decide(authorization: scraper, method: "GET", path: "/metrics") == .failed("Authentication failed"))
            try await cluster.kubectlOK("apply", "-f", "-",
                                        stdin: AuthDelegatorRBAC.yaml(binding: "operator-delegates", serviceAccount: "operator", namespace: "default"))
            #expect(await authorizer.decide(authorization: scraper, method: "GET", path: "/metrics")
                    == .allowed(user: "system:serviceaccount:default:scraper"), "the failure was not cached")
        }
    }

    @Test("the secure listener: TLS with a self-signed certificate, 401 / 403 / 200 over HTTPS, health routes absent")
    func secureListener() async throws {
        try await Self.withServer { cluster, client in
            let server = try await ProbeServer.start(bindAddress: "127.0.0.1:0", routes: .metrics,
                                                     tls: try ServingCertificate.Source(directory: nil, logger: Logger(label: "test")).context,
                                                     authorizer: DelegatedAuthorizer(client: client))
            defer { Task { await server.stop() } }
            let scraper = cluster.server.serviceAccountToken(namespace: "default", name: "scraper")
            let other = cluster.server.serviceAccountToken(namespace: "default", name: "other")
            func get(_ path: String, token: String? = nil, verify: Bool = false) async throws -> (status: Int, body: String) {
                var args = ["-s", "-w", "\n%{http_code}", "https://127.0.0.1:\(server.port)\(path)"]
                if !verify { args.insert("-k", at: 0) }
                if let token { args += ["-H", "Authorization: Bearer \(token)"] }
                let result = try await Command.run(Command.which("curl") ?? "/usr/bin/curl", args)
                var lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
                return (Int(lines.popLast() ?? "") ?? 0, lines.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines))
            }
            #expect(try await get("/metrics") == (401, "Unauthorized"))
            #expect(try await get("/metrics", token: other) == (403, "Authorization denied for user system:serviceaccount:default:other"))
            let allowed = try await get("/metrics", token: scraper)
            #expect(allowed.status == 200, "\(allowed)")
            #expect(try await get("/readyz", token: scraper).status == 404, "probes stay on their plain-HTTP listener")
            #expect(try await get("/metrics", token: scraper, verify: true).status == 0, "self-signed: a verifying client refuses it")
        }
    }

    @Test("a mounted tls.crt/tls.key is served (a client that trusts its CA verifies it) and re-read when renewed; a missing or bad pair is refused naming the file")
    func mountedCertificate() async throws {
        let ca = try CertificateAuthority(commonName: "metrics-ca")
        let issued = try ca.issueServer()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("certs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let files = FileManager.default
        #expect(throws: ServingCertificate.LoadError.self) { try ServingCertificate.load(directory: dir.path) }
        // The layout of a Secret volume: tls.crt -> ..data/tls.crt, ..data -> ..<version>/, and a
        // renewal writes a new version directory and swaps ..data with a rename.
        func version(_ name: String, certificate: String, key: String) throws {
            let versionDir = dir.appendingPathComponent(name)
            try files.createDirectory(at: versionDir, withIntermediateDirectories: true)
            try Data(certificate.utf8).write(to: versionDir.appendingPathComponent("tls.crt"))
            try Data(key.utf8).write(to: versionDir.appendingPathComponent("tls.key"))
            let next = dir.appendingPathComponent("..data_tmp")
            try? files.removeItem(at: next)
            try files.createSymbolicLink(atPath: next.path, withDestinationPath: name)
            #expect(rename(next.path, dir.appendingPathComponent("..data").path) == 0)
        }
        try version("..v1", certificate: issued.certificatePEM, key: "not a key")
        for name in ["tls.crt", "tls.key"] {
            try files.createSymbolicLink(atPath: dir.appendingPathComponent(name).path, withDestinationPath: "..data/\(name)")
        }
        try Data(ca.certificatePEM.utf8).write(to: dir.appendingPathComponent("ca.crt"))
        do {
            _ = try ServingCertificate.load(directory: dir.path)
            Issue.record("a bad key was accepted")
        } catch {
            #expect("\(error)".contains(dir.path), "\(error)")
        }
        try version("..v2", certificate: issued.certificatePEM, key: issued.privateKeyPEM)
        let source = try ServingCertificate.Source(directory: dir.path, logger: Logger(label: "test"))
        let server = try await ProbeServer.start(bindAddress: "127.0.0.1:0", routes: .metrics, tls: source.context)
        defer { Task { await server.stop() } }
        func scrape(trusting ca: URL) async throws -> String {
            try await Command.run(Command.which("curl") ?? "/usr/bin/curl",
                                  ["-s", "-o", "/dev/null", "-w", "%{http_code}", "--cacert", ca.path,
                                   "https://localhost:\(server.port)/metrics"]).stdout
        }
        #expect(try await scrape(trusting: dir.appendingPathComponent("ca.crt")) == "200",
                "verified against the CA that signed the mounted certificate")

        // cert-manager renews the Secret with a certificate of another CA: the next connection gets it.
        let renewedCA = try CertificateAuthority(commonName: "metrics-ca-2")
        let renewed = try renewedCA.issueServer()
        try Data(renewedCA.certificatePEM.utf8).write(to: dir.appendingPathComponent("ca2.crt"))
        try version("..v3", certificate: renewed.certificatePEM, key: renewed.privateKeyPEM)
        #expect(try await scrape(trusting: dir.appendingPathComponent("ca2.crt")) == "200", "the renewed certificate is served")
        #expect(try await scrape(trusting: dir.appendingPathComponent("ca.crt")) != "200", "the old one no longer")
    }
}
