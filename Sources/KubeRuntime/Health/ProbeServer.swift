import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// The manager's small HTTP/1.1 endpoint for the kubelet and Prometheus:
/// - `GET /metrics`: the Prometheus text exposition of `RuntimeMetrics`;
/// - `GET /healthz`: 200 `ok` while the process serves at all (liveness);
/// - `GET /readyz`: 200 `ok` once the readiness check says so (caches synced), else 500 with
///   the reason.
///
/// HTTP/1.1 on NIO (a framework would be a large dependency for three routes). Probes stay plain
/// HTTP for the kubelet; a metrics listener may be secured as kubebuilder v4 scaffolds it
/// (`--metrics-secure`): TLS, and every scrape's bearer token reviewed by the API server
/// (`DelegatedAuthorizer`).
public final class ProbeServer: Sendable {
    public typealias ReadinessCheck = @Sendable () async -> Readiness

    /// Which routes a listener answers: controller-runtime serves metrics and health probes on
    /// separate ports (`--metrics-bind-address`, `--health-probe-bind-address`); one listener
    /// may serve both.
    public struct Routes: OptionSet, Sendable {
        public let rawValue: Int
        public init(rawValue: Int) { self.rawValue = rawValue }
        /// `/metrics`.
        public static let metrics = Routes(rawValue: 1)
        /// `/healthz`, `/livez`, `/readyz`.
        public static let health = Routes(rawValue: 2)
        public static let all: Routes = [.metrics, .health]
    }

    /// The address actually bound (the real port when asked for port 0).
    public let address: BindAddress
    public var port: Int { address.port }
    public let routes: Routes
    private let channel: any Channel
    private let acceptLoop: Task<Void, Never>

    private init(address: BindAddress, routes: Routes, channel: any Channel, acceptLoop: Task<Void, Never>) {
        self.address = address
        self.routes = routes
        self.channel = channel
        self.acceptLoop = acceptLoop
    }

    /// Binds `bindAddress` (`:8080`, `127.0.0.1:0`) and serves until `stop()`.
    public static func start(bindAddress: String, metrics: RuntimeMetrics = .shared,
                             readiness: @escaping ReadinessCheck = { .ready },
                             routes: Routes = .all,
                             tls: (@Sendable () -> NIOSSLContext)? = nil,
                             authorizer: DelegatedAuthorizer? = nil,
                             logger: Logger = Logger(label: "modelops.probes"),
                             group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) async throws -> ProbeServer {
        let requested = try BindAddress(parsing: bindAddress)
        let server = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 64)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: requested.host, port: requested.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    // Asked per connection, so a renewed certificate is served from the next one on.
                    if let tls { try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls())) }
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    return try NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>(wrappingChannelSynchronously: channel)
                }
            }
        let bound = BindAddress(host: requested.host, port: server.channel.localAddress?.port ?? requested.port)
        let router = ProbeRouter(metrics: metrics, readiness: readiness, routes: routes, authorizer: authorizer)
        let loop = Task {
            do {
                try await withThrowingDiscardingTaskGroup { group in
                    try await server.executeThenClose { connections in
                        for try await connection in connections {
                            group.addTask {
                                await ProbeServer.serve(connection, router: router, logger: logger)
                            }
                        }
                    }
                }
            } catch {
                if !Task.isCancelled { logger.warning("probe server stopped", metadata: ["error": "\(error)"]) }
            }
        }
        let what = routes == .all ? "metrics and health probes" : routes == .metrics ? "metrics" : "health probes"
        logger.info("serving \(what)", metadata: [
            "address": "\(bound)",
            "scheme": "\(tls == nil ? "http" : "https")",
            "authorization": "\(authorizer == nil ? "none" : "TokenReview + SubjectAccessReview")",
        ])
        return ProbeServer(address: bound, routes: routes, channel: server.channel, acceptLoop: loop)
    }

    /// Stops listening and ends open connections.
    public func stop() async {
        acceptLoop.cancel()
        try? await channel.close()
        await acceptLoop.value
    }

    private static func serve(_ connection: NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>,
                              router: ProbeRouter, logger: Logger) async {
        do {
            try await connection.executeThenClose { inbound, outbound in
                var head: HTTPRequestHead?
                for try await part in inbound {
                    switch part {
                    case let .head(requestHead):
                        head = requestHead
                    case .body:
                        continue
                    case .end:
                        guard let request = head else { continue }
                        head = nil
                        let response = await router.respond(method: request.method, uri: request.uri,
                                                            authorization: request.headers.first(name: "Authorization"))
                        var headers = HTTPHeaders()
                        headers.add(name: "Content-Type", value: response.contentType)
                        headers.add(name: "Content-Length", value: String(response.body.count))
                        headers.add(name: "Connection", value: request.isKeepAlive ? "keep-alive" : "close")
                        try await outbound.write(.head(HTTPResponseHead(version: request.version, status: response.status,
                                                                        headers: headers)))
                        if request.method != .HEAD {
                            try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: response.body))))
                        }
                        try await outbound.write(.end(nil))
                        if !request.isKeepAlive { return }
                    }
                }
            }
        } catch {
            logger.debug("probe connection ended", metadata: ["error": "\(error)"])
        }
    }
}

/// The three routes, apart from the networking so they read plainly.
struct ProbeRouter: Sendable {
    struct Response: Sendable {
        var status: HTTPResponseStatus
        var contentType: String
        var body: [UInt8]

        static func text(_ status: HTTPResponseStatus, _ text: String) -> Response {
            Response(status: status, contentType: "text/plain; charset=utf-8", body: Array(text.utf8))
        }
    }

    let metrics: RuntimeMetrics
    let readiness: ProbeServer.ReadinessCheck
    var routes: ProbeServer.Routes = .all
    /// Set on a secure metrics listener: who may read /metrics.
    var authorizer: DelegatedAuthorizer? = nil

    func respond(method: HTTPMethod, uri: String, authorization: String? = nil) async -> Response {
        guard method == .GET || method == .HEAD else { return .text(.methodNotAllowed, "method not allowed\n") }
        let path = uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? uri
        switch path {
        case "/metrics" where routes.contains(.metrics):
            if let authorizer {
                // controller-runtime's filter: the verb is the method in lower case, the path the URL's.
                switch await authorizer.decide(authorization: authorization, method: method == .HEAD ? "head" : "get", path: path) {
                case .allowed: break
                case .unauthenticated: return .text(.unauthorized, "Unauthorized\n")
                case let .forbidden(user): return .text(.forbidden, "Authorization denied for user \(user)\n")
                case let .failed(message): return .text(.internalServerError, message + "\n")
                }
            }
            return Response(status: .ok, contentType: RuntimeMetrics.contentType, body: metrics.exposition())
        case "/healthz" where routes.contains(.health), "/livez" where routes.contains(.health):
            return .text(.ok, "ok")
        case "/readyz" where routes.contains(.health):
            switch await readiness() {
            case .ready: return .text(.ok, "ok")
            case let .notReady(reason): return .text(.internalServerError, "not ready: \(reason)\n")
            }
        default:
            return .text(.notFound, "404 page not found\n")
        }
    }
}
