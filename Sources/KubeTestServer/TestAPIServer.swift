import Foundation
import KubeCore
import KubeTestServerCore
import NIOCore
import NIOHTTP1
import NIOHTTP2
import NIOPosix
import NIOSSL

/// The Kubernetes API test server over HTTPS on loopback: the in-process `APIServer` semantics
/// behind TLS (HTTP/1.1 and HTTP/2 by ALPN), bearer-token and client-certificate authentication,
/// and kubeconfigs for each identity it knows.
public final class TestAPIServer: Sendable {
    public struct Options: Sendable {
        public var host = "127.0.0.1"
        /// 0 picks a free port.
        public var port = 0
        public var api = APIServer.Configuration()
        /// The workload simulator (kubelet and built-in controllers); nil switches it off.
        public var simulator: WorkloadSimulator.Options? = WorkloadSimulator.Options()
        /// Install the Gateway API CRDs at start, as a cluster with Gateway API has them: those of
        /// `api.gatewayAPICRDs` (the built-in trimmed HTTPRoute unless the real ones are passed).
        public var gatewayAPI = true

        public init() {}
    }

    /// An identity the server knows, for kubeconfigs.
    public enum Identity: Sendable, Equatable {
        /// `kubernetes-admin` in `system:masters`, by client certificate.
        case admin
        /// `kubernetes-admin` by bearer token.
        case adminToken
        /// A service account by bearer token.
        case serviceAccount(namespace: String, name: String)
    }

    public let api: APIServer
    public let ca: CertificateAuthority
    public let port: Int
    public let host: String
    let authenticator: Authenticator
    let channel: any Channel
    let group: MultiThreadedEventLoopGroup
    let gate: RequestGate
    let adminCertificate: CertificateAuthority.Issued
    public let adminToken: String
    /// The running simulator, when switched on.
    public let simulator: WorkloadSimulator?

    public var url: String { "https://\(host):\(port)" }

    public static func start(_ options: Options = Options()) async throws -> TestAPIServer {
        let ca = try CertificateAuthority()
        let serving = try ca.issueServer()
        var tls = TLSConfiguration.makeServerConfiguration(
            certificateChain: [.certificate(try NIOSSLCertificate(bytes: Array(serving.certificatePEM.utf8), format: .pem))],
            privateKey: .privateKey(try NIOSSLPrivateKey(bytes: Array(serving.privateKeyPEM.utf8), format: .pem)))
        tls.applicationProtocols = ["h2", "http/1.1"]
        tls.certificateVerification = .optionalVerification
        tls.trustRoots = .certificates([try NIOSSLCertificate(bytes: Array(ca.certificatePEM.utf8), format: .pem)])
        let sslContext = try NIOSSLContext(configuration: tls)
        let api = APIServer(configuration: options.api)
        let authenticator = Authenticator(api: api)
        let adminToken = "admin-" + UUID().uuidString.lowercased()
        authenticator.add(token: adminToken, user: UserInfo(name: "kubernetes-admin", groups: ["system:masters"]))
        let gate = RequestGate()
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: sslContext))
                }.flatMap {
                    channel.configureHTTP2SecureUpgrade(
                        h2ChannelConfigurator: { channel in
                            // libcurl 7.88 (Debian 12) ends every completed HTTP/2 stream with an
                            // RST_STREAM; NIO's rapid-reset guard (200 per 30 s) would then close a
                            // busy client connection with ENHANCE_YOUR_CALM. Go's API server ignores
                            // resets of closed streams, so the limit here is far above any test's rate.
                            var streamConfiguration = NIOHTTP2Handler.StreamConfiguration()
                            streamConfiguration.streamResetFrameRateLimit.maximumCount = 1_000_000
                            return channel.configureHTTP2Pipeline(
                                mode: .server, connectionConfiguration: NIOHTTP2Handler.ConnectionConfiguration(),
                                streamConfiguration: streamConfiguration
                            ) { stream in
                                stream.eventLoop.makeCompletedFuture {
                                    try stream.pipeline.syncOperations.addHandlers([
                                        HTTP2FramePayloadToHTTP1ServerCodec(),
                                        HTTPHandler(api: api, authenticator: authenticator, gate: gate, isHTTP2: true),
                                    ])
                                }
                            }.map { _ in }
                        },
                        http1ChannelConfigurator: { channel in
                            channel.pipeline.configureHTTPServerPipeline(withErrorHandling: true).flatMap {
                                channel.eventLoop.makeCompletedFuture {
                                    try channel.pipeline.syncOperations.addHandler(
                                        HTTPHandler(api: api, authenticator: authenticator, gate: gate, isHTTP2: false))
                                }
                            }
                        })
                }
            }
        let channel = try await bootstrap.bind(host: options.host, port: options.port).get()
        let port = channel.localAddress?.port ?? options.port
        let simulator = options.simulator.map { WorkloadSimulator(api: api, options: $0) }
        let server = TestAPIServer(api: api, ca: ca, port: port, host: options.host, authenticator: authenticator,
                                   channel: channel, group: group, gate: gate,
                                   adminCertificate: try ca.issueClient(user: "kubernetes-admin", groups: ["system:masters"]),
                                   adminToken: adminToken, simulator: simulator)
        if options.gatewayAPI {
            for yaml in options.api.gatewayAPICRDs {
                for crd in try GatewayAPI.documents(yaml) { try await server.create(crd) }
            }
        }
        simulator?.start()
        return server
    }

    private init(api: APIServer, ca: CertificateAuthority, port: Int, host: String, authenticator: Authenticator,
                 channel: any Channel, group: MultiThreadedEventLoopGroup, gate: RequestGate, adminCertificate: CertificateAuthority.Issued,
                 adminToken: String, simulator: WorkloadSimulator?) {
        self.simulator = simulator
        self.api = api
        self.ca = ca
        self.port = port
        self.host = host
        self.authenticator = authenticator
        self.channel = channel
        self.group = group
        self.gate = gate
        self.adminCertificate = adminCertificate
        self.adminToken = adminToken
    }

    /// Stops listening and ends every watch. Requests already in are answered first (later ones
    /// get 503), so nothing is written to an event loop after it has shut down.
    public func stop() async {
        simulator?.stop()
        await gate.close()
        api.shutdown()
        try? await channel.close()
        try? await group.shutdownGracefully()
    }

    /// "Restarts" the API server: storage is kept, open watches end, and resourceVersions from
    /// before now are too old for watches and continue tokens (410), as after a real restart.
    public func restart() {
        api.store.forgetHistory()
        api.store.dropAllWatches()
    }

    /// A bearer token for a service account (user `system:serviceaccount:<ns>:<name>`).
    @discardableResult
    public func serviceAccountToken(namespace: String, name: String) -> String {
        let token = "sa-\(namespace)-\(name)-" + UUID().uuidString.lowercased().prefix(8)
        addToken(token, namespace: namespace, serviceAccount: name)
        return token
    }

    /// Accepts `token` as the given service account from now on (a rotated projected token).
    public func addToken(_ token: String, namespace: String, serviceAccount name: String) {
        authenticator.add(token: token, user: UserInfo(
            name: "system:serviceaccount:\(namespace):\(name)",
            groups: ["system:serviceaccounts", "system:serviceaccounts:\(namespace)"]))
    }

    /// Stops accepting `token` (its requests get 401 from now on).
    public func revokeToken(_ token: String) {
        authenticator.remove(token: token)
    }

    /// A kubeconfig for the identity, with the CA inlined.
    public func kubeconfig(for identity: Identity = .admin, namespace: String? = nil) -> String {
        func b64(_ s: String) -> String { Data(s.utf8).base64EncodedString() }
        let userName: String
        var user: [String] = []
        switch identity {
        case .admin:
            userName = "kubernetes-admin"
            user = ["    client-certificate-data: \(b64(adminCertificate.certificatePEM))",
                    "    client-key-data: \(b64(adminCertificate.privateKeyPEM))"]
        case .adminToken:
            userName = "kubernetes-admin-token"
            user = ["    token: \(adminToken)"]
        case let .serviceAccount(ns, name):
            userName = "\(ns)-\(name)"
            user = ["    token: \(serviceAccountToken(namespace: ns, name: name))"]
        }
        var context = ["    cluster: modelops-test", "    user: \(userName)"]
        if let namespace { context.append("    namespace: \(namespace)") }
        return ([
            "apiVersion: v1",
            "kind: Config",
            "clusters:",
            "- name: modelops-test",
            "  cluster:",
            "    server: \(url)",
            "    certificate-authority-data: \(b64(ca.certificatePEM))",
            "users:",
            "- name: \(userName)",
            "  user:",
        ] + user + [
            "contexts:",
            "- name: modelops-test",
            "  context:",
        ] + context + [
            "current-context: modelops-test",
        ]).joined(separator: "\n") + "\n"
    }

    /// Writes `kubeconfig(for:)` to `path` with mode 0600.
    public func writeKubeconfig(to path: String, for identity: Identity = .admin, namespace: String? = nil) throws {
        let url = URL(fileURLWithPath: path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(kubeconfig(for: identity, namespace: namespace).utf8).write(to: url)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
    }
}

extension TestAPIServer {
    /// Creates (or replaces) every object of a YAML stream as the admin, through the API.
    /// Used to install CRDs before anything else runs.
    public func apply(yaml: String) async throws {
        for document in try JSON.parseYAMLDocuments(yaml) {
            try await create(document)
        }
    }

    /// Creates one object as the admin; an existing one is left as it is.
    public func create(_ object: JSON) async throws {
        let apiVersion = object["apiVersion"]?.stringValue ?? ""
        let kind = object["kind"]?.stringValue ?? ""
        guard let resource = api.registry.resource(apiVersion: apiVersion, kind: kind) else {
            throw APIError.badRequest("no resource for \(apiVersion) \(kind)")
        }
        var path = apiVersion.contains("/") ? "/apis/\(apiVersion)" : "/api/\(apiVersion)"
        if resource.namespaced {
            path += "/namespaces/\(object[path: ["metadata", "namespace"]]?.stringValue ?? "default")"
        }
        path += "/\(resource.plural)"
        let response = await api.handle(APIRequest(
            method: "POST", path: path, headers: ["content-type": "application/json", "user-agent": "modelops/playground"],
            body: object.serialized(), user: UserInfo(name: "kubernetes-admin", groups: ["system:masters"])))
        guard response.status == 201 || response.status == 409 else {
            let status = (try? JSON.parse(response.body)) ?? .null
            throw APIError(code: response.status, reason: status["reason"]?.stringValue ?? "",
                           message: status["message"]?.stringValue ?? "create failed")
        }
    }
}
