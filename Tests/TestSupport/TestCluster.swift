import Foundation
import KubeCore
import KubeTestServer
import KubeTestServerCore

/// An API test server on loopback plus what a test needs to drive it with the real `kubectl`
/// and `curl`: kubeconfigs, a private kubectl cache, client-certificate files.
public final class TestCluster: Sendable {
    public let server: TestAPIServer
    public let dir: URL
    public let kubeconfig: String

    public var api: APIServer { server.api }

    public static func start(rbac: Bool = false, simulator: WorkloadSimulator.Options? = WorkloadSimulator.Options(),
                             configure: (inout APIServer.Configuration) -> Void = { _ in }) async throws -> TestCluster {
        var options = TestAPIServer.Options()
        options.api.rbac = rbac
        options.simulator = simulator
        // The real Gateway API CRDs where ../shared/gateway-api exists, the built-in HTTPRoute
        // otherwise; `configure` may pick another release (`GatewayAPIFixtures.crds(.v1_2_1)`).
        if let crds = GatewayAPIFixtures.crds(.v1_6_1) { options.api.gatewayAPICRDs = crds }
        configure(&options.api)
        let server = try await TestAPIServer.start(options)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kts-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let kubeconfig = dir.appendingPathComponent("admin.kubeconfig").path
        try server.writeKubeconfig(to: kubeconfig)
        try Data(server.ca.certificatePEM.utf8).write(to: dir.appendingPathComponent("ca.crt"))
        return TestCluster(server: server, dir: dir, kubeconfig: kubeconfig)
    }

    private init(server: TestAPIServer, dir: URL, kubeconfig: String) {
        self.server = server
        self.dir = dir
        self.kubeconfig = kubeconfig
    }

    public func stop() async {
        await server.stop()
        try? FileManager.default.removeItem(at: dir)
    }

    public static var kubectlPath: String { Command.which("kubectl") ?? "/usr/bin/kubectl" }
    public static var curlPath: String { Command.which("curl") ?? "/usr/bin/curl" }

    /// Runs kubectl as the admin (or with another kubeconfig).
    public func kubectl(_ arguments: String..., stdin: String? = nil, kubeconfig: String? = nil) async throws -> CommandResult {
        try await Command.run(Self.kubectlPath,
                              ["--kubeconfig", kubeconfig ?? self.kubeconfig, "--cache-dir", dir.appendingPathComponent("cache").path]
                                  + arguments, stdin: stdin)
    }

    /// Runs kubectl and fails the test (by throwing) unless it exits 0.
    @discardableResult
    public func kubectlOK(_ arguments: String..., stdin: String? = nil) async throws -> String {
        let result = try await Command.run(Self.kubectlPath,
                                           ["--kubeconfig", kubeconfig, "--cache-dir", dir.appendingPathComponent("cache").path] + arguments,
                                           stdin: stdin)
        guard result.status == 0 else { throw CommandFailed(command: "kubectl " + arguments.joined(separator: " "), result: result) }
        return result.stdout
    }

    public enum CurlAuth {
        case adminToken
        case token(String)
        case adminCertificate
        case none
    }

    /// Runs curl against the server: `-sS`, CA pinned, and `-w` appending the status code on a last line.
    public func curl(_ path: String, method: String = "GET", auth: CurlAuth = .adminToken, headers: [String] = [],
              body: String? = nil, extra: [String] = []) async throws -> (status: Int, body: String, headers: String) {
        var args = ["-sS", "--cacert", dir.appendingPathComponent("ca.crt").path, "-X", method,
                    "-D", dir.appendingPathComponent("headers-\(UUID().uuidString)").path]
        switch auth {
        case .adminToken: args += ["-H", "Authorization: Bearer \(server.adminToken)"]
        case let .token(t): args += ["-H", "Authorization: Bearer \(t)"]
        case .adminCertificate:
            let issued = try server.ca.issueClient(user: "kubernetes-admin", groups: ["system:masters"])
            let cert = dir.appendingPathComponent("client-\(UUID().uuidString).crt"), key = dir.appendingPathComponent("client-\(UUID().uuidString).key")
            try Data(issued.certificatePEM.utf8).write(to: cert)
            try Data(issued.privateKeyPEM.utf8).write(to: key)
            args += ["--cert", cert.path, "--key", key.path]
        case .none: break
        }
        for h in headers { args += ["-H", h] }
        if let body { args += ["--data-binary", "@-"] }
        let headerFile = args[args.firstIndex(of: "-D")! + 1]
        args += extra + ["-w", "\n%{http_code}", server.url + path]
        let result = try await Command.run(Self.curlPath, args, stdin: body)
        var lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        let status = Int(lines.popLast() ?? "") ?? 0
        let responseHeaders = (try? String(contentsOfFile: headerFile, encoding: .utf8)) ?? ""
        return (status, lines.joined(separator: "\n"), responseHeaders)
    }
}

public struct CommandFailed: Error, CustomStringConvertible {
    public var command: String
    public var result: CommandResult

    public init(command: String, result: CommandResult) {
        self.command = command
        self.result = result
    }

    public var description: String { "\(command) failed: \(result)" }
}

extension String {
    /// Parses this as JSON (test convenience).
    public var json: JSON { (try? JSON.parse(self)) ?? .null }
}

extension TestCluster {
    /// A request straight into the server's semantics as the admin (no kubectl start-up time), for
    /// tests whose subject is what another client (curl, kubectl) sees.
    @discardableResult
    public func direct(_ method: String, _ path: String, _ body: String = "", contentType: String = "application/json") async -> JSON {
        let response = await api.handle(.init(method: method, path: path, headers: ["content-type": contentType],
                                              body: Array(body.utf8), user: .init(name: "kubernetes-admin", groups: ["system:masters"])))
        return (try? JSON.parse(response.body)) ?? .null
    }
}
