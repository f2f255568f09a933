import Foundation
import Testing
@testable import KubeClient

/// Bad configuration fails with an error that names the file, the context and the field,
/// worded as client-go words it.
@Suite struct KubeconfigErrorTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var cluster = "server: https://k.example"
        var user = "token: t"
        var context = "{cluster: c, user: u}"
        var contextFlag: String? = nil
        var extra = "current-context: x"
        /// Expected error: field (nil: none), and a fragment of the message.
        var field: String?
        var message: String
        var expectsContext = "x"
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "missing context from flag", contextFlag: "nope", field: nil,
             message: "context was not found for specified context: nope", expectsContext: "nope"),
        Case(name: "current-context names a missing context", extra: "current-context: gone", field: "current-context",
             message: "context was not found for specified context: gone", expectsContext: "gone"),
        Case(name: "unreadable client certificate", user: "{client-certificate: certs/missing.crt, client-key-data: \(base64("K"))}",
             field: "users[\"u\"].user.client-certificate",
             message: "unable to read client-cert <dir>/certs/missing.crt for u due to open <dir>/certs/missing.crt: no such file or directory"),
        Case(name: "unreadable CA", cluster: "{server: https://k, certificate-authority: ca.pem}",
             field: "clusters[\"c\"].cluster.certificate-authority",
             message: "unable to read certificate-authority <dir>/ca.pem for c due to open <dir>/ca.pem: no such file or directory"),
        Case(name: "certificate without key", user: "{client-certificate-data: \(base64("C"))}",
             field: "users[\"u\"].user.client-key",
             message: "client-key-data or client-key must be specified for u to use the clientCert authentication method."),
        Case(name: "user not found", context: "{cluster: c, user: bob}", field: "contexts[\"x\"].context.user",
             message: "user \"bob\" was not found for context \"x\""),
        Case(name: "cluster not found", context: "{cluster: prod, user: u}", field: "contexts[\"x\"].context.cluster",
             message: "cluster \"prod\" was not found for context \"x\""),
        Case(name: "no server", cluster: "{tls-server-name: k}", field: "clusters[\"c\"].cluster.server",
             message: "no server found for cluster \"c\""),
        Case(name: "bad base64", cluster: "{server: https://k, certificate-authority-data: '%%%'}",
             field: "clusters[\"c\"].cluster.certificate-authority-data", message: "illegal base64 data", expectsContext: ""),
        Case(name: "wrong type", cluster: "{server: https://k, insecure-skip-tls-verify: 'true'}",
             field: "clusters[\"c\"].cluster.insecure-skip-tls-verify", message: "expected a boolean, got string \"true\"",
             expectsContext: ""),
        Case(name: "CA with insecure", cluster: "{server: https://k, insecure-skip-tls-verify: true, certificate-authority-data: \(base64("CA"))}",
             field: "clusters[\"c\"].cluster.insecure-skip-tls-verify",
             message: "specifying a root certificates file with the insecure flag is not allowed"),
        Case(name: "token and basic auth", user: "{token: t, username: admin, password: p}", field: "users[\"u\"].user.token",
             message: "more than one authentication method found for u; found [token basicAuth], only one is allowed"),
        Case(name: "v1 exec plugin without interactiveMode",
             user: "{exec: {apiVersion: client.authentication.k8s.io/v1, command: aws}}",
             field: "users[\"u\"].user.exec.interactiveMode",
             message: "interactiveMode must be specified for u to use exec authentication plugin"),
        Case(name: "removed exec apiVersion",
             user: "{exec: {apiVersion: client.authentication.k8s.io/v1alpha1, command: aws}}",
             field: "users[\"u\"].user.exec.apiVersion", message: "exec plugin: invalid apiVersion \"client.authentication.k8s.io/v1alpha1\""),
        Case(name: "legacy auth-provider", user: "{auth-provider: {name: gcp}}", field: "users[\"u\"].user.auth-provider",
             message: "auth-provider \"gcp\" is not supported"),
        Case(name: "namespace not a DNS label", context: "{cluster: c, user: u, namespace: Team_A}",
             field: "contexts[\"x\"].context.namespace",
             message: "namespace \"Team_A\" for context \"x\" does not conform to the kubernetes DNS_LABEL rules"),
        Case(name: "unreadable token file", user: "{tokenFile: secret/token}", field: "users[\"u\"].user.tokenFile",
             message: "unable to read tokenFile <dir>/secret/token for u due to open <dir>/secret/token: no such file or directory"),
        Case(name: "invalid proxy-url", cluster: "{server: https://k, proxy-url: 'ftp://p:21'}", field: "clusters[\"c\"].cluster.proxy-url",
             message: "unsupported scheme \"ftp\", must be http, https, or socks5"),
    ]

    @Test(arguments: cases)
    func errorNamesFileContextAndField(_ testCase: Case) throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write("config", """
            clusters:
            - name: c
              cluster: \(testCase.cluster.hasPrefix("{") ? testCase.cluster : "{\(testCase.cluster)}")
            users:
            - name: u
              user: \(testCase.user.hasPrefix("{") ? testCase.user : "{\(testCase.user)}")
            contexts:
            - name: x
              context: \(testCase.context)
            \(testCase.extra)
            """)
        let error = #expect(throws: ConfigError.self) {
            try ConfigLoader.load(kubeconfig: path, context: testCase.contextFlag, environment: [:])
        }
        let expectedMessage = testCase.message.replacingOccurrences(of: "<dir>", with: dir.path)
        #expect(error?.file == path)
        #expect(error?.context == (testCase.expectsContext.isEmpty ? nil : testCase.expectsContext))
        #expect(error?.field == testCase.field)
        #expect(error?.message.contains(expectedMessage) == true, "\(error?.message ?? "")")
        #expect(error?.description.contains(path) == true)
    }

    @Test func malformedYAMLNamesTheFile() throws {
        let dir = try TemporaryDirectory()
        let good = try dir.write("good", "current-context: x\n")
        let bad = try dir.write("bad", "clusters:\n- name: c\n  cluster: {server: https://k\n")
        let error = #expect(throws: ConfigError.self) {
            try ConfigLoader.load(environment: ["KUBECONFIG": "\(good):\(bad)"])
        }
        #expect(error?.file == bad)
        #expect(error?.message.hasPrefix("error loading config file: ") == true)
        #expect(error?.description.hasPrefix(bad + ": error loading config file") == true)
    }

    @Test func duplicateNamesInOneFileAreRejected() throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write("config", """
            clusters:
            - {name: c, cluster: {server: https://a}}
            - {name: c, cluster: {server: https://b}}
            """)
        let error = #expect(throws: ConfigError.self) { try ConfigLoader.load(kubeconfig: path, environment: [:]) }
        #expect(error?.field == "clusters[1].name")
        #expect(error?.message == "duplicate name \"c\" in list")
    }

    @Test func explicitFileMustExist() throws {
        let dir = try TemporaryDirectory()
        let missing = dir.path + "/nope"
        let error = #expect(throws: ConfigError.self) {
            try ConfigLoader.load(kubeconfig: missing, environment: ["KUBECONFIG": "/elsewhere"])
        }
        #expect(error?.file == missing)
        #expect(error?.message == "error loading config file: open \(missing): no such file or directory")
    }
}
