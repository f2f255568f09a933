import Foundation
import KubeCore
import KubeTestServerCore
import Testing

/// An API test server driven through `APIServer.handle`, as the wire tests replay the recorded
/// exchanges against it.
struct WireServer {
    let api = APIServer()
    static let admin = UserInfo(name: "test-admin", groups: ["system:masters", "system:authenticated"])

    struct Answer {
        var status: Int
        var headers: [(String, String)]
        var bytes: [UInt8]
        var body: JSON { (try? JSON.parse(bytes)) ?? .null }
    }

    func shutdown() { api.shutdown() }

    func send(_ request: APIRequest) async -> Answer {
        switch await api.handle(request) {
        case let .full(status, headers, body): return Answer(status: status, headers: headers, bytes: body)
        case let .watch(stream):
            stream.stop()
            Issue.record("\(request.method) \(request.path) answered with a watch")
            return Answer(status: 200, headers: [], bytes: [])
        }
    }

    /// The golden's request, as it was sent to the real server.
    func replay(_ golden: Golden) async -> Answer {
        await send(APIRequest(method: golden.method, path: golden.path, query: golden.params,
                              headers: golden.requestHeaders, body: golden.requestBody, user: Self.admin))
    }

    /// Golden `number` replayed on a fresh server that `prepare` set up.
    static func replay(_ number: Int, after prepare: (WireServer) async -> Void) async throws -> (golden: Golden, answer: Answer) {
        let golden = try Golden(number)
        let server = WireServer()
        defer { server.shutdown() }
        await prepare(server)
        return (golden, await server.replay(golden))
    }

    /// Golden `number`, a refusal, replayed: the same code and Status.
    static func expectSameRefusal(_ number: Int, after prepare: (WireServer) async -> Void,
                                  sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let (golden, answer) = try await replay(number, after: prepare)
        #expect(answer.status == golden.status, sourceLocation: sourceLocation)
        Shape.expectSameStatus(answer.body, golden, sourceLocation: sourceLocation)
    }

    @discardableResult
    func request(_ method: String, _ target: String, _ body: JSON? = nil, contentType: String = "application/json",
                 userAgent: String = "python-requests/2.32.3") async -> Answer {
        let (path, query) = APIRequest.splitTarget(target)
        var headers = ["user-agent": userAgent]
        if body != nil { headers["content-type"] = contentType }
        return await send(APIRequest(method: method, path: path, query: query, headers: headers,
                                     body: body?.serialized() ?? [], user: Self.admin))
    }

    /// Creates and expects 201; returns the stored object.
    @discardableResult
    func create(_ collection: String, _ object: JSON, sourceLocation: SourceLocation = #_sourceLocation) async -> JSON {
        let answer = await request("POST", collection, object)
        #expect(answer.status == 201, "create in \(collection): \(answer.body)", sourceLocation: sourceLocation)
        return answer.body
    }

    func namespace(_ name: String) async {
        await create("/api/v1/namespaces", ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": .string(name)]])
    }

    /// Opens a watch (the golden's request, or `target`); its events arrive as they happen.
    func watch(_ golden: Golden) async -> WatchLines? {
        await watch(APIRequest(method: "GET", path: golden.path, query: golden.params, headers: golden.requestHeaders,
                               user: Self.admin))
    }

    func watch(_ target: String) async -> WatchLines? {
        let (path, query) = APIRequest.splitTarget(target)
        return await watch(APIRequest(method: "GET", path: path, query: query, user: Self.admin))
    }

    private func watch(_ request: APIRequest) async -> WatchLines? {
        guard case let .watch(stream) = await api.handle(request) else {
            Issue.record("\(request.path) did not answer with a watch")
            return nil
        }
        return WatchLines(stream)
    }
}

/// The lines of an open watch, parsed, in arrival order. Every watch in these tests carries a
/// `timeoutSeconds`, which bounds each wait: the server ends the stream then.
struct WatchLines {
    let stream: WatchStream
    private var iterator: AsyncStream<JSON>.Iterator

    init(_ stream: WatchStream) {
        self.stream = stream
        let (lines, continuation) = AsyncStream.makeStream(of: JSON.self)
        iterator = lines.makeAsyncIterator()
        stream.start(send: { line in
            // One complete line per call; a line that does not parse is kept as null so it fails the comparison.
            continuation.yield((try? JSON.parse(Array(line.dropLast()))) ?? .null)
        }, finish: { continuation.finish() })
    }

    /// Events until `done` holds for those read so far (or the watch ends).
    mutating func read(until done: ([JSON]) -> Bool) async -> [JSON] {
        var events: [JSON] = []
        while !done(events), let event = await iterator.next() { events.append(event) }
        return events
    }

    /// Every event until the server ends the watch (its timeoutSeconds).
    mutating func readToEnd() async -> [JSON] {
        await read { _ in false }
    }

    func stop() { stream.stop() }
}

extension JSON {
    /// A watch event's type.
    var eventType: String { self["type"]?.stringValue ?? "" }
    var objectName: String? { self[path: ["object", "metadata", "name"]]?.stringValue }
}
