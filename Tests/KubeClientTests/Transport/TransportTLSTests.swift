import KubeClient
import KubeCore
import KubeTestServer
import Testing
import TestSupport

@Suite("Transport: TLS and authentication")
struct TransportTLSTests {
    @Test("GET /version with the cluster CA and a bearer token")
    func versionWithToken() async throws {
        let fixture = try await TransportFixture.start()
        defer { Task { await fixture.stop() } }
        let engine = try fixture.engine()
        let response = try await engine.execute(fixture.request("/version"))
        #expect(response.status == 200)
        #expect(response.head.header("content-type")?.hasPrefix("application/json") == true)
        let version = try JSON.parse(response.body)
        #expect(version["gitVersion"]?.stringValue?.hasPrefix("v1.") == true)
    }

    @Test("client certificate authentication: 401 without it, 200 with it")
    func clientCertificate() async throws {
        let fixture = try await TransportFixture.start()
        defer { Task { await fixture.stop() } }
        let anonymous = try fixture.engine()
        let noAuth = HTTPRequest(url: fixture.server.url + "/api/v1/namespaces", timeout: .seconds(20))
        #expect(try await anonymous.execute(noAuth).status == 401)

        // Kubeconfigs carry both PKCS#8 ("PRIVATE KEY") and SEC1 ("EC PRIVATE KEY") keys.
        for keyFormat in ["PKCS#8", "SEC1"] {
            let issued = try fixture.server.ca.issueClient(user: "kubernetes-admin", groups: ["system:masters"])
            let keyPEM = try await convert(issued.privateKeyPEM, to: keyFormat)
            let engine = try fixture.engine(tls: TLSOptions(caPEM: fixture.caPEM, clientCertificatePEM: Array(issued.certificatePEM.utf8),
                                                            clientKeyPEM: Array(keyPEM.utf8)))
            let response = try await engine.execute(noAuth)
            #expect(response.status == 200, "key \(keyFormat)")
            #expect(try JSON.parse(response.body)["kind"] == "NamespaceList")
        }
    }

    @Test("insecureSkipVerify works without the CA")
    func insecure() async throws {
        let fixture = try await TransportFixture.start()
        defer { Task { await fixture.stop() } }
        let engine = try fixture.engine(tls: TLSOptions(insecureSkipVerify: true))
        #expect(try await engine.execute(fixture.request("/version")).status == 200)
    }

    @Test("an untrusted server certificate fails with a TLS error", arguments: ["other CA", "system trust store"])
    func untrusted(_ trust: String) async throws {
        let fixture = try await TransportFixture.start()
        defer { Task { await fixture.stop() } }
        let otherCA = try CertificateAuthority(commonName: "someone-else")
        let tls = trust == "other CA" ? TLSOptions(caPEM: Array(otherCA.certificatePEM.utf8)) : TLSOptions()
        let engine = try fixture.engine(tls: tls)
        let error = await transportError { () async throws(TransportError) in try await engine.execute(fixture.request("/version")) }
        guard case .tls? = error else {
            Issue.record("expected a TLS error, got \(String(describing: error))")
            return
        }
        #expect(error?.isRetryable == false)
    }

    @Test("serverName verifies the certificate against another name than the URL's host")
    func serverName() async throws {
        let fixture = try await TransportFixture.start()
        defer { Task { await fixture.stop() } }
        // The serving certificate names localhost and 127.0.0.1; the URL says 127.0.0.1.
        let good = try fixture.engine(tls: TLSOptions(caPEM: fixture.caPEM, serverName: "localhost"))
        for _ in 0..<3 {
            let response = try await good.execute(fixture.request("/version"))
            #expect(response.status == 200)
            #expect(response.head.httpVersion == 2)
        }
        #expect(good.stats.connectionsOpened == 1)

        let bad = try fixture.engine(tls: TLSOptions(caPEM: fixture.caPEM, serverName: "kubernetes.default.svc"))
        let error = await transportError { () async throws(TransportError) in try await bad.execute(fixture.request("/version")) }
        guard case .tls? = error else {
            Issue.record("expected a TLS error for a name the certificate lacks, got \(String(describing: error))")
            return
        }
    }
}

/// The key in the PEM format asked for, converted by the openssl tool when needed.
private func convert(_ pem: String, to format: String) async throws -> String {
    let wantsSEC1 = format == "SEC1"
    if pem.contains("BEGIN EC PRIVATE KEY") == wantsSEC1 { return pem }
    let arguments = wantsSEC1 ? ["ec"] : ["pkcs8", "-topk8", "-nocrypt"]
    let result = try await Command.run(Command.which("openssl") ?? "/usr/bin/openssl", arguments, stdin: pem)
    #expect(result.status == 0, "\(result)")
    return result.stdout
}
