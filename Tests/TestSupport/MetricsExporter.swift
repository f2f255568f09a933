import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A stand-in for a model server's metrics endpoint: gauges the test sets, served at
/// `http://127.0.0.1:<port>/metrics` in Prometheus's text format for a real Prometheus to scrape.
public final class MetricsExporter: Sendable {
    struct Series: Hashable, Comparable {
        var name: String
        var labels: [String: String]

        static func < (lhs: Series, rhs: Series) -> Bool {
            (lhs.name, lhs.labelText) < (rhs.name, rhs.labelText)
        }

        var labelText: String {
            guard !labels.isEmpty else { return "" }
            let pairs = labels.sorted { $0.key < $1.key }.map { "\($0.key)=\"\(MetricsExporter.escape($0.value))\"" }
            return "{" + pairs.joined(separator: ",") + "}"
        }
    }

    public let port: Int
    public var url: String { "http://127.0.0.1:\(port)/metrics" }
    private let gauges = Mutex<[Series: Double]>([:])
    private let scrapes = Atomic<Int>(0)
    private let channel: any Channel

    private init(port: Int, channel: any Channel) {
        self.port = port
        self.channel = channel
    }

    /// Sets a gauge (creating its series).
    public func set(_ name: String, labels: [String: String] = [:], _ value: Double) {
        gauges.withLock { $0[Series(name: name, labels: labels)] = value }
    }

    /// Removes a series: Prometheus marks it stale at the next scrape.
    public func remove(_ name: String, labels: [String: String] = [:]) {
        _ = gauges.withLock { $0.removeValue(forKey: Series(name: name, labels: labels)) }
    }

    /// How many times /metrics was served (to see that Prometheus scrapes).
    public var scrapeCount: Int { scrapes.load(ordering: .relaxed) }

    /// The exposition text of the current gauges, each sample with an explicit timestamp (now).
    ///
    /// Timestamped samples get no staleness markers: when one scrape of this in-process exporter
    /// times out on a loaded machine, Prometheus would otherwise mark every series stale at once
    /// and an analysis would read "no data" in the middle of a passing canary. With timestamps a
    /// series stays visible for the fixture's lookback delta after its last scrape — which is also
    /// how long a removed series takes to vanish.
    public func exposition() -> String {
        let series = gauges.withLock { $0 }.sorted { $0.key < $1.key }
        let milliseconds = Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))
        var text = ""
        var typed: Set<String> = []
        for (key, value) in series {
            if typed.insert(key.name).inserted { text += "# TYPE \(key.name) gauge\n" }
            text += "\(key.name)\(key.labelText) \(Self.format(value)) \(milliseconds)\n"
        }
        return text
    }

    static func format(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        return "\(value)"
    }

    static func escape(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }

    /// Listens on 127.0.0.1 at a free port.
    ///
    /// Scrapes are answered on NIO's event loop, not on Swift's cooperative pool: a test that keeps
    /// the pool's two threads busy must not make a scrape miss its 200 ms timeout.
    public static func start() async throws -> MetricsExporter {
        let box = Mutex<MetricsExporter?>(nil)
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 16)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(ScrapeHandler(exporter: { box.withLock { $0 } }))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let exporter = MetricsExporter(port: server.localAddress?.port ?? 0, channel: server)
        box.withLock { $0 = exporter }
        return exporter
    }

    /// Stops listening.
    public func stop() async {
        try? await channel.close()
    }

    /// Answers `GET /metrics` with the exposition and anything else with 404.
    private final class ScrapeHandler: ChannelInboundHandler, RemovableChannelHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart

        let exporter: @Sendable () -> MetricsExporter?
        var head: HTTPRequestHead?

        init(exporter: @escaping @Sendable () -> MetricsExporter?) {
            self.exporter = exporter
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case let .head(requestHead):
                head = requestHead
            case .body:
                break
            case .end:
                guard let request = head else { return }
                head = nil
                let path = request.uri.split(separator: "?").first.map(String.init) ?? request.uri
                let exporter = path == "/metrics" ? exporter() : nil
                exporter?.scrapes.add(1, ordering: .relaxed)
                let body = Array((exporter?.exposition() ?? "404 page not found\n").utf8)
                var headers = HTTPHeaders()
                headers.add(name: "Content-Type", value: exporter != nil ? "text/plain; version=0.0.4; charset=utf-8" : "text/plain")
                headers.add(name: "Content-Length", value: String(body.count))
                if !request.isKeepAlive { headers.add(name: "Connection", value: "close") }
                context.write(wrapOutboundOut(.head(HTTPResponseHead(version: request.version, status: exporter != nil ? .ok : .notFound,
                                                                     headers: headers))), promise: nil)
                context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: body)))), promise: nil)
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
                if !request.isKeepAlive { context.close(mode: .output, promise: nil) }
            }
        }
    }
}
