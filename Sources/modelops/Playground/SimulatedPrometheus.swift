import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// The playground's stand-in for Prometheus: plain HTTP on 127.0.0.1 serving
/// `SimulatedPrometheusAPI`, so the operator's analysis and metric triggers take the same HTTP
/// path (`PrometheusMeasurer`) they take against a real Prometheus.
final class SimulatedPrometheus: Sendable {
    let port: Int
    var url: String { "http://127.0.0.1:\(port)" }
    private let channel: any Channel
    private let acceptLoop: Task<Void, Never>

    private init(port: Int, channel: any Channel, acceptLoop: Task<Void, Never>) {
        self.port = port
        self.channel = channel
        self.acceptLoop = acceptLoop
    }

    /// Listens on 127.0.0.1 at `port` (0: a free one).
    static func start(port: Int, now: @escaping @Sendable () -> Date) async throws -> SimulatedPrometheus {
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 64)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    return try NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>(wrappingChannelSynchronously: channel)
                }
            }
        let api = SimulatedPrometheusAPI(now: now)
        let loop = Task<Void, Never> {
            _ = try? await withThrowingDiscardingTaskGroup { group in
                try await server.executeThenClose { connections in
                    for try await connection in connections {
                        group.addTask { await serve(connection, api: api) }
                    }
                }
            }
        }
        return SimulatedPrometheus(port: server.channel.localAddress?.port ?? port, channel: server.channel, acceptLoop: loop)
    }

    func stop() async {
        acceptLoop.cancel()
        try? await channel.close()
        await acceptLoop.value
    }

    private static func serve(_ connection: NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>,
                              api: SimulatedPrometheusAPI) async {
        try? await connection.executeThenClose { inbound, outbound in
            var head: HTTPRequestHead?
            var body: [UInt8] = []
            for try await part in inbound {
                switch part {
                case let .head(requestHead):
                    head = requestHead
                    body = []
                case var .body(buffer):
                    if body.count < 1 << 20 { body += buffer.readBytes(length: buffer.readableBytes) ?? [] }
                case .end:
                    guard let request = head else { continue }
                    head = nil
                    let response = api.respond(method: request.method.rawValue, uri: request.uri, body: body)
                    var headers = HTTPHeaders()
                    headers.add(name: "Content-Type", value: response.contentType)
                    headers.add(name: "Content-Length", value: String(response.body.count))
                    headers.add(name: SimulatedPrometheusAPI.header.0, value: SimulatedPrometheusAPI.header.1)
                    headers.add(name: "Connection", value: request.isKeepAlive ? "keep-alive" : "close")
                    try await outbound.write(.head(HTTPResponseHead(version: request.version,
                                                                    status: HTTPResponseStatus(statusCode: response.status),
                                                                    headers: headers)))
                    try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: response.body))))
                    try await outbound.write(.end(nil))
                    if !request.isKeepAlive { return }
                }
            }
        }
    }
}
