import Foundation
import KubeClient
import KubeCore
import KubeTestServer
import Testing
import TestSupport

@Suite("KubeClient credentials against the API test server")
struct ClientCredentialTests {
    func tempDir() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cred-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    func kubeconfig(_ server: TestAPIServer, user: String) -> String {
        """
        apiVersion: v1
        kind: Config
        clusters:
        - name: test
          cluster:
            server: \(server.url)
            certificate-authority-data: \(Data(server.ca.certificatePEM.utf8).base64EncodedString())
        users:
        - name: u
          user:
        \(user)
        contexts:
        - name: test
          context: {cluster: test, user: u, namespace: ops}
        current-context: test
        """
    }

    @Test("a rotated token file is re-read after 60 s, and at once after a 401")
    func tokenFileRotation() async throws {
        let server = try await TestAPIServer.start()
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let tokenPath = dir.appendingPathComponent("token")
        try Data("first-token".utf8).write(to: tokenPath)
        server.addToken("first-token", namespace: "ops", serviceAccount: "modelops")
        let configPath = dir.appendingPathComponent("config")
        try Data(kubeconfig(server, user: "    tokenFile: \(tokenPath.path)").utf8).write(to: configPath)
        let configuration = try ConfigLoader.load(kubeconfig: configPath.path, environment: [:])
        let clock = ManualClock()
        let provider = CredentialProvider(configuration.credentials, clock: clock)
        let client = try KubeClient(configuration: configuration, credentials: provider)
        let reviews = client.dynamic(ResourceInfo(group: "authentication.k8s.io", version: "v1", kind: "SelfSubjectReview",
                                                  plural: "selfsubjectreviews", namespaced: false))
        func whoami() async throws -> String? {
            try await reviews.create(["apiVersion": "authentication.k8s.io/v1", "kind": "SelfSubjectReview"])[
                path: ["status", "userInfo", "username"]]?.stringValue
        }
        #expect(try await whoami() == "system:serviceaccount:ops:modelops")

        // Rotation on the 60 s schedule: the old token would still work, the new one is read anyway.
        try Data("second-token".utf8).write(to: tokenPath)
        server.addToken("second-token", namespace: "ops", serviceAccount: "rotated")
        #expect(try await whoami() == "system:serviceaccount:ops:modelops", "not re-read before 60 s")
        clock.advance(by: .seconds(61))
        #expect(try await whoami() == "system:serviceaccount:ops:rotated")

        // Rotation seen through a 401: re-read before the 60 s are up, and the request retried once.
        try Data("third-token".utf8).write(to: tokenPath)
        server.addToken("third-token", namespace: "ops", serviceAccount: "third")
        server.revokeToken("second-token")
        #expect(try await whoami() == "system:serviceaccount:ops:third")
        client.shutdown()
        await server.stop()
    }

    @Test("an exec credential plugin's token authenticates; it is cached until it expires")
    func execPlugin() async throws {
        let server = try await TestAPIServer.start()
        let token = server.serviceAccountToken(namespace: "ops", name: "eks-user")
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let counter = dir.appendingPathComponent("runs")
        let script = dir.appendingPathComponent("get-token.sh")
        try Data("""
            #!/bin/sh
            echo run >> "\(counter.path)"
            cat <<JSON
            {"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"\(token)","expirationTimestamp":"2099-01-01T00:00:00Z"}}
            JSON
            """.utf8).write(to: script)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script.path)
        let configPath = dir.appendingPathComponent("config")
        try Data(kubeconfig(server, user: """
                exec:
                  apiVersion: client.authentication.k8s.io/v1
                  command: \(script.path)
                  interactiveMode: Never
            """).utf8).write(to: configPath)
        let client = try KubeClient(configuration: ConfigLoader.load(kubeconfig: configPath.path, environment: [:]))
        #expect(client.defaultNamespace == "ops")
        let cms = client.resource(ConfigMap.self, namespace: "ops")
        _ = try await cms.list()
        _ = try await cms.list()
        let runs = try String(contentsOf: counter, encoding: .utf8).split(separator: "\n").count
        #expect(runs == 1, "the credential is cached until its expirationTimestamp")
        client.shutdown()
        await server.stop()
    }
}
