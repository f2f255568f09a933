import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// Plain HTTP on 127.0.0.1 for the playground's side services (the simulated Prometheus, the
/// request counts): each request answered by `respond`, keep-alive honoured.
final class LoopbackHTTPServer: Sendable {
    struct Response: Sendable {
        var status: Int
        var contentType: String
        var body: [UInt8]
        var headers: [(String, String)] = []
    }

    typealias Respond = @Sendable (_ method: String, _ uri: String, _ body: [UInt8]) -> Response

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
    static func start(port: Int, respond: @escaping Respond) async throws -> LoopbackHTTPServer {
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 64)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    return try NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>(wrappingChannelSynchronously: channel)
                }
            }
        let loop = Task<Void, Never> {
            _ = try? await withThrowingDiscardingTaskGroup { group in
                try await server.executeThenClose { connections in
                    for try await connection in connections {
                        group.addTask { await serve(connection, respond: respond) }
                    }
                }
            }
        }
        return LoopbackHTTPServer(port: server.channel.localAddress?.port ?? port, channel: server.channel, acceptLoop: loop)
    }

    func stop() async {
        acceptLoop.cancel()
        try? await channel.close()
        await acceptLoop.value
    }

    private static func serve(_ connection: NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>,
                              respond: Respond) async {
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
                    let response = respond(request.method.rawValue, request.uri, body)
                    var headers = HTTPHeaders()
                    headers.add(name: "Content-Type", value: response.contentType)
                    headers.add(name: "Content-Length", value: String(response.body.count))
                    for (name, value) in response.headers { headers.add(name: name, value: value) }
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
