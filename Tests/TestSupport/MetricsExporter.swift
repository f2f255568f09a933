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
    private let acceptLoop = Mutex<Task<Void, Never>?>(nil)

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
    /// series stays visible for the lookback delta (5 s) after its last scrape — which is also
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
    public static func start() async throws -> MetricsExporter {
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 16)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: "127.0.0.1", port: 0) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    return try NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>(wrappingChannelSynchronously: channel)
                }
            }
        let exporter = MetricsExporter(port: server.channel.localAddress?.port ?? 0, channel: server.channel)
        let loop = Task { [exporter] in
            _ = try? await withThrowingDiscardingTaskGroup { group in
                try await server.executeThenClose { connections in
                    for try await connection in connections {
                        group.addTask { await exporter.serve(connection) }
                    }
                }
            }
        }
        exporter.acceptLoop.withLock { $0 = loop }
        return exporter
    }

    /// Stops listening.
    public func stop() async {
        let loop = acceptLoop.withLock { $0 }
        loop?.cancel()
        try? await channel.close()
        await loop?.value
    }

    private func serve(_ connection: NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>) async {
        try? await connection.executeThenClose { inbound, outbound in
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
                    let path = request.uri.split(separator: "?").first.map(String.init) ?? request.uri
                    let found = path == "/metrics"
                    if found { scrapes.add(1, ordering: .relaxed) }
                    let body = Array((found ? exposition() : "404 page not found\n").utf8)
                    var headers = HTTPHeaders()
                    headers.add(name: "Content-Type", value: found ? "text/plain; version=0.0.4; charset=utf-8" : "text/plain")
                    headers.add(name: "Content-Length", value: String(body.count))
                    try await outbound.write(.head(HTTPResponseHead(version: request.version, status: found ? .ok : .notFound,
                                                                    headers: headers)))
                    try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: body))))
                    try await outbound.write(.end(nil))
                    if !request.isKeepAlive { return }
                }
            }
        }
    }
}
