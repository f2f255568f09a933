import KubeCore
import KubeTestServerCore
import NIOCore
import NIOHTTP1
import NIOSSL

/// Turns HTTP/1.1 messages (HTTP/2 streams arrive here converted to the same parts) into
/// `APIRequest`s, authenticates them, and writes the answer — whole, or a watch streamed event
/// by event with a flush after each line.
final class HTTPHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    let api: APIServer
    let authenticator: Authenticator
    let gate: RequestGate
    let isHTTP2: Bool
    private var head: HTTPRequestHead?
    private var body: ByteBuffer?
    private var watch: WatchStream?
    private var bodyTooLarge = false

    init(api: APIServer, authenticator: Authenticator, gate: RequestGate, isHTTP2: Bool) {
        self.api = api
        self.authenticator = authenticator
        self.gate = gate
        self.isHTTP2 = isHTTP2
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case let .head(head):
            self.head = head
            self.body = nil
            self.bodyTooLarge = false
        case var .body(buffer):
            if (body?.readableBytes ?? 0) + buffer.readableBytes > api.configuration.maxBodyBytes + 1 {
                bodyTooLarge = true
                return
            }
            if body == nil { body = buffer } else { body!.writeBuffer(&buffer) }
        case .end:
            guard let head else { return }
            self.head = nil
            handle(context: context, head: head)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        watch?.stop()
        watch = nil
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        watch?.stop()
        watch = nil
        context.close(promise: nil)
    }

    private func peerCertificateDER(context: ChannelHandlerContext) -> [UInt8]? {
        // An HTTP/2 stream's parent is the TLS connection; an HTTP/1.1 connection's parent is the
        // listening socket (another event loop, no TLS handler), so it must use its own channel.
        let channel = isHTTP2 ? (context.channel.parent ?? context.channel) : context.channel
        guard let handler = try? channel.pipeline.syncOperations.handler(type: NIOSSLHandler.self),
              let certificate = handler.peerCertificate else { return nil }
        return try? certificate.toDERBytes()
    }

    private func handle(context: ChannelHandlerContext, head: HTTPRequestHead) {
        var headers: [String: String] = [:]
        for (name, value) in head.headers {
            let key = name.lowercased()
            headers[key] = headers[key].map { "\($0),\(value)" } ?? value
        }
        let (path, query) = APIRequest.splitTarget(head.uri)
        let user = authenticator.authenticate(authorization: headers["authorization"],
                                              certificateDER: peerCertificateDER(context: context))
        let keepAlive = head.isKeepAlive
        let loop = context.eventLoop
        let bound = NIOLoopBound((self, context), eventLoop: loop)
        if bodyTooLarge {
            write(.error(APIError.requestEntityTooLarge(limit: api.configuration.maxBodyBytes)), head: head, keepAlive: keepAlive, bound: bound)
            return
        }
        guard let user = user ?? (Self.isPublic(path) ? UserInfo(name: "system:anonymous", groups: ["system:unauthenticated"]) : nil) else {
            write(.error(.unauthorized()), head: head, keepAlive: keepAlive, bound: bound)
            return
        }
        let request = APIRequest(method: head.method.rawValue, path: path, query: query, headers: headers,
                                 body: body.map { Array($0.readableBytesView) } ?? [], user: user)
        body = nil
        guard gate.enter() else {
            let stopping = APIError(code: 503, reason: "ServiceUnavailable", message: "the server is shutting down")
            write(.error(stopping), head: head, keepAlive: keepAlive, bound: bound)
            return
        }
        let api = self.api
        let gate = self.gate
        Task {
            let response = await api.handle(request)
            loop.execute {
                let (handler, _) = bound.value
                handler.write(response, head: head, keepAlive: keepAlive, bound: bound)
                gate.leave()
            }
        }
    }

    static func isPublic(_ path: String) -> Bool {
        ["/healthz", "/readyz", "/livez", "/version"].contains(path)
    }

    private func write(_ response: APIResponse, head: HTTPRequestHead, keepAlive: Bool,
                       bound: NIOLoopBound<(HTTPHandler, ChannelHandlerContext)>) {
        let (_, context) = bound.value
        switch response {
        case let .full(status, headerList, body):
            var headers = HTTPHeaders()
            for (name, value) in headerList { headers.add(name: name, value: value) }
            headers.replaceOrAdd(name: "Content-Length", value: String(body.count))
            headers.add(name: "Cache-Control", value: "no-cache, private")
            if !isHTTP2, !keepAlive { headers.replaceOrAdd(name: "Connection", value: "close") }
            let responseHead = HTTPResponseHead(version: head.version, status: HTTPResponseStatus(statusCode: status), headers: headers)
            context.write(wrapOutboundOut(.head(responseHead)), promise: nil)
            if head.method != .HEAD {
                context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: body)))), promise: nil)
            }
            let promise: EventLoopPromise<Void>? = (!isHTTP2 && !keepAlive) ? context.eventLoop.makePromise() : nil
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: promise)
            promise?.futureResult.whenComplete { _ in context.close(promise: nil) }
        case let .watch(stream):
            var headers = HTTPHeaders()
            headers.add(name: "Content-Type", value: "application/json")
            headers.add(name: "Cache-Control", value: "no-cache, private")
            if !isHTTP2 { headers.add(name: "Transfer-Encoding", value: "chunked") }
            // The watcher is registered with the store before the head goes out, as the API
            // server does: a client that has its 200 is watching, so a change (or a dropped
            // watch) right after it cannot be missed. Events only reach the socket through
            // `loop.execute`, so they still follow the head.
            watch = stream
            let loop = context.eventLoop
            stream.start(
                send: { bytes in
                    loop.execute {
                        let (handler, context) = bound.value
                        guard handler.watch === stream else { return }
                        context.writeAndFlush(handler.wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: bytes)))), promise: nil)
                    }
                },
                finish: {
                    loop.execute {
                        let (handler, context) = bound.value
                        guard handler.watch === stream else { return }
                        handler.watch = nil
                        context.writeAndFlush(handler.wrapOutboundOut(.end(nil)), promise: nil)
                    }
                })
            context.writeAndFlush(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: .ok, headers: headers))), promise: nil)
        }
    }
}
