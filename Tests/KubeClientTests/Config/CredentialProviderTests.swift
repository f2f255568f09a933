import Foundation
import KubeCore
import Testing
@testable import KubeClient

/// Token files re-read on an injected clock, and exec credential plugins run for real (a small
/// shell script standing in for `aws eks get-token`, `gke-gcloud-auth-plugin` or `kubelogin`).
@Suite struct CredentialProviderTests {
    @Test func tokenFileIsRereadEverySixtySeconds() async throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write("token", "first\n")
        let clock = ManualClock()
        let provider = CredentialProvider(.tokenFile(path: path, reread: .seconds(60)), clock: clock)
        #expect(try await provider.authorization() == "Bearer first")
        try dir.write("token", "rotated")
        clock.advance(by: .seconds(59))
        #expect(try await provider.authorization() == "Bearer first")
        clock.advance(by: .seconds(1))
        #expect(try await provider.authorization() == "Bearer rotated")
        // A failed re-read keeps the last token, as client-go's CachedFileTokenSource does.
        try FileManager.default.removeItem(atPath: path)
        clock.advance(by: .seconds(61))
        #expect(try await provider.authorization() == "Bearer rotated")
        // After a 401 the file is read again at once.
        try dir.write("token", "after-401")
        await provider.invalidate()
        #expect(try await provider.authorization() == "Bearer after-401")
    }

    @Test func firstTokenFileReadMustSucceed() async throws {
        let dir = try TemporaryDirectory()
        let provider = CredentialProvider(.tokenFile(path: dir.path + "/none", reread: .seconds(60)))
        let error = await #expect(throws: ConfigError.self) { try await provider.authorization() }
        #expect(error?.file == dir.path + "/none")
        #expect(error?.message.contains("no such file or directory") == true)
    }

    @Test func staticCredentials() async throws {
        #expect(try await CredentialProvider(.none).authorization() == nil)
        #expect(try await CredentialProvider(.token("abc")).authorization() == "Bearer abc")
        #expect(try await CredentialProvider(.basic(username: "admin", password: "secret")).authorization()
            == "Basic YWRtaW46c2VjcmV0")
        #expect(try await CredentialProvider(.token("abc")).clientCertificate() == nil)
    }

    // MARK: Exec plugins

    static let plugin = """
        #!/bin/sh
        printf '%s\\n' "$@" > "$OUT_DIR/args"
        printf '%s' "$KUBERNETES_EXEC_INFO" > "$OUT_DIR/info"
        printf '%s' "$PLUGIN_VAR" > "$OUT_DIR/env"
        n=$(cat "$OUT_DIR/count" 2>/dev/null || echo 0)
        n=$((n+1))
        echo "$n" > "$OUT_DIR/count"
        if [ "$MODE" = fail ]; then echo "error: SSO session expired, run: aws sso login" >&2; exit 3; fi
        if [ "$MODE" = cert ]; then
          printf '{"apiVersion":"%s","kind":"ExecCredential","status":{"clientCertificateData":"CERT %s","clientKeyData":"KEY %s"}}' "$API" "$n" "$n"
          exit 0
        fi
        printf '{"apiVersion":"%s","kind":"ExecCredential","status":{"token":"token-%s","expirationTimestamp":"%s"}}' "$API" "$n" "$EXPIRY"
        """

    /// A kubeconfig in `dir` whose user runs `bin/plugin.sh` (relative: resolved against the
    /// kubeconfig's directory) with the given environment.
    static func execKubeconfig(_ dir: TemporaryDirectory, apiVersion: String, env: [String: String],
                               command: String = "bin/plugin.sh", extra: String = "") throws -> String {
        try dir.write("kube/bin/plugin.sh", plugin, mode: 0o755)
        var lines = env.sorted { $0.key < $1.key }.map { "      - {name: \($0.key), value: \"\($0.value)\"}" }
        lines.insert("      - {name: OUT_DIR, value: \"\(dir.path)\"}", at: 0)
        return try dir.write("kube/config", """
            clusters:
            - name: eks
              cluster:
                server: https://ABCDEF.gr7.eu-west-1.eks.amazonaws.com
                certificate-authority-data: \(base64("EKS CA"))
            users:
            - name: u
              user:
                exec:
                  apiVersion: \(apiVersion)
                  command: \(command)
                  args: [token, --cluster, prod]
                  provideClusterInfo: true
            \(extra)
                  env:
            \(lines.joined(separator: "\n"))
            contexts:
            - {name: x, context: {cluster: eks, user: u}}
            current-context: x
            """.replacingOccurrences(of: "\n\n", with: "\n"))
    }

    @Test(arguments: ["client.authentication.k8s.io/v1", "client.authentication.k8s.io/v1beta1"])
    func execPluginTokenIsCachedUntilExpiryAndRefreshedAfter401(apiVersion: String) async throws {
        let dir = try TemporaryDirectory()
        let expiry = KubeTime.now.adding(seconds: 3600).rfc3339
        // v1 requires interactiveMode; v1beta1 defaults it to IfAvailable.
        let mode = apiVersion.hasSuffix("/v1") ? "      interactiveMode: Never" : ""
        let path = try Self.execKubeconfig(dir, apiVersion: apiVersion,
                                           env: ["API": apiVersion, "EXPIRY": expiry, "PLUGIN_VAR": "from-kubeconfig"],
                                           extra: mode)
        let config = try ConfigLoader.load(kubeconfig: path, environment: [:])
        guard case let .exec(exec) = config.credentials else {
            Issue.record("expected exec credentials, got \(config.credentials)")
            return
        }
        #expect(exec.command == dir.path + "/kube/bin/plugin.sh")
        let clock = ManualClock()
        let provider = CredentialProvider(config.credentials, clock: clock)
        #expect(try await provider.authorization() == "Bearer token-1")

        // Arguments, environment and KUBERNETES_EXEC_INFO as client-go passes them.
        #expect(dir.read("args") == "token\n--cluster\nprod\n")
        #expect(dir.read("env") == "from-kubeconfig")
        let info = try JSON.parse(dir.read("info") ?? "")
        #expect(info["apiVersion"] == .string(apiVersion))
        #expect(info["kind"] == "ExecCredential")
        #expect(info[path: ["spec", "interactive"]] == false)
        #expect(info[path: ["spec", "cluster", "server"]] == "https://ABCDEF.gr7.eu-west-1.eks.amazonaws.com")
        #expect(info[path: ["spec", "cluster", "certificate-authority-data"]] == .string(base64("EKS CA")))

        // Cached until expirationTimestamp.
        clock.advance(by: .seconds(3000))
        #expect(try await provider.authorization() == "Bearer token-1")
        clock.advance(by: .seconds(700))
        #expect(try await provider.authorization() == "Bearer token-2")
        // A 401 runs the plugin again.
        await provider.invalidate(rejected: "Bearer token-2")
        #expect(try await provider.authorization() == "Bearer token-3")
        // A late 401 for a token already replaced does not run the plugin again.
        await provider.invalidate(rejected: "Bearer token-2")
        #expect(try await provider.authorization() == "Bearer token-3")
        #expect(dir.read("count") == "3\n")
    }

    @Test func concurrentRequestsRunThePluginOnce() async throws {
        let dir = try TemporaryDirectory()
        let path = try Self.execKubeconfig(dir, apiVersion: "client.authentication.k8s.io/v1beta1",
                                           env: ["API": "client.authentication.k8s.io/v1beta1", "EXPIRY": ""])
        let provider = CredentialProvider(try ConfigLoader.load(kubeconfig: path, environment: [:]).credentials)
        let results = try await withThrowingTaskGroup(of: String?.self) { group in
            for _ in 0..<8 { group.addTask { try await provider.authorization() } }
            return try await group.reduce(into: [String?]()) { $0.append($1) }
        }
        #expect(results == Array(repeating: "Bearer token-1", count: 8))
        #expect(dir.read("count") == "1\n")
    }

    @Test func execPluginReturningClientCertificate() async throws {
        let dir = try TemporaryDirectory()
        let path = try Self.execKubeconfig(dir, apiVersion: "client.authentication.k8s.io/v1beta1",
                                           env: ["API": "client.authentication.k8s.io/v1beta1", "MODE": "cert"])
        let provider = CredentialProvider(try ConfigLoader.load(kubeconfig: path, environment: [:]).credentials)
        let pair = try await provider.clientCertificate()
        #expect(pair?.certificatePEM == Array("CERT 1".utf8))
        #expect(pair?.keyPEM == Array("KEY 1".utf8))
        #expect(try await provider.authorization() == nil)
        #expect(dir.read("count") == "1\n")
    }

    @Test func execPluginFailureQuotesStderr() async throws {
        let dir = try TemporaryDirectory()
        let path = try Self.execKubeconfig(dir, apiVersion: "client.authentication.k8s.io/v1beta1",
                                           env: ["API": "client.authentication.k8s.io/v1beta1", "MODE": "fail"])
        let provider = CredentialProvider(try ConfigLoader.load(kubeconfig: path, environment: [:]).credentials)
        let error = await #expect(throws: ConfigError.self) { try await provider.authorization() }
        #expect(error?.file == path)
        #expect(error?.field == "users[\"u\"].user.exec")
        #expect(error?.message.contains("failed with exit code 3") == true)
        #expect(error?.message.contains("stderr: error: SSO session expired, run: aws sso login") == true)
    }

    @Test func missingCommandShowsInstallHint() async throws {
        let dir = try TemporaryDirectory()
        let hint = "installHint: \"Install gke-gcloud-auth-plugin: gcloud components install gke-gcloud-auth-plugin\""
        let path = try Self.execKubeconfig(dir, apiVersion: "client.authentication.k8s.io/v1beta1", env: [:],
                                           command: "gke-gcloud-auth-plugin-not-installed", extra: "      \(hint)")
        let provider = CredentialProvider(try ConfigLoader.load(kubeconfig: path, environment: [:]).credentials)
        let error = await #expect(throws: ConfigError.self) { try await provider.authorization() }
        let message = error?.message ?? ""
        #expect(message.hasPrefix("exec: executable gke-gcloud-auth-plugin-not-installed not found"))
        #expect(message.contains("It looks like you are trying to use a client-go credential plugin that is not installed."))
        #expect(message.hasSuffix("Install gke-gcloud-auth-plugin: gcloud components install gke-gcloud-auth-plugin"))
    }

    @Test func pluginAnsweringInAnotherVersionIsRejected() async throws {
        let dir = try TemporaryDirectory()
        let path = try Self.execKubeconfig(dir, apiVersion: "client.authentication.k8s.io/v1",
                                           env: ["API": "client.authentication.k8s.io/v1beta1"],
                                           extra: "      interactiveMode: IfAvailable")
        let provider = CredentialProvider(try ConfigLoader.load(kubeconfig: path, environment: [:]).credentials)
        let error = await #expect(throws: ConfigError.self) { try await provider.authorization() }
        #expect(error?.message == "exec plugin is configured to use API version client.authentication.k8s.io/v1, "
            + "plugin returned version client.authentication.k8s.io/v1beta1")
    }

    @Test(arguments: [
        (#"{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential"}"#, "exec plugin didn't return a status field"),
        (#"{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{}}"#,
         "exec plugin didn't return a token or cert/key pair"),
        (#"{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"clientCertificateData":"C"}}"#,
         "exec plugin returned only certificate or key, not both"),
        (#"{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"t","expirationTimestamp":"soon"}}"#,
         "decoding stdout: status.expirationTimestamp: cannot parse \"soon\" as RFC 3339"),
        ("not json", "decoding stdout: "),
    ])
    func execCredentialChecks(stdout: String, message: String) {
        let config = ExecConfig(command: "x", apiVersion: "client.authentication.k8s.io/v1")
        let error = #expect(throws: ConfigError.self) { try ExecPlugin.parse(Array(stdout.utf8), config: config) }
        #expect(error?.message.hasPrefix(message) == true, "\(error?.message ?? "")")
    }
}
