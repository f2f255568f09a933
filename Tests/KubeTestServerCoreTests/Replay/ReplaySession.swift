import Foundation
import KubeCore
import KubeTestServerCore
import Testing

/// Replays every recorded exchange, in recording order, against one fresh `APIServer` through
/// its transport-independent `handle(_:)`, so the state the recording built (namespaces, CRDs,
/// objects) is rebuilt along the way. Before an exchange it runs the preconditions of
/// `ReplayScript` (what other actors did between exchanges); during a watch, the writes whose
/// events the recording shows. Values the recording's server chose (resourceVersions, uids,
/// continue tokens, generated names) are learned from each comparison and translated in later
/// requests that name them.
final class ReplaySession {
    static let admin = UserInfo(name: "golden-replay", groups: ["system:masters", "system:authenticated"])
    /// The recorder was a Python script; its writes carry the field manager `python-requests`.
    static let recorderAgent = "python-requests/2.32.3"
    /// Where the recorder reached its server: the Host header its client sent (not recorded;
    /// 002's serverAddressByClientCIDRs shows it).
    static let recorderHost = "127.0.0.1:16443"
    /// The HTTPS front (KubeTestServer's HTTPHandler) answers every watch with this type;
    /// `APIResponse.watch` carries no headers.
    static let watchContentType = "application/json"

    let api = APIServer()
    var simulator: WorkloadSimulator?
    /// Recorded volatile value → ours.
    private var volatile: [String: String] = [:]

    /// Every exchange replayed, in order.
    func run() async -> [ReplayOutcome] {
        var outcomes: [ReplayOutcome] = []
        for exchange in GoldenExchange.all {
            outcomes.append(await replay(exchange))
        }
        simulator?.stop()
        api.shutdown()
        return outcomes
    }

    private func replay(_ exchange: GoldenExchange) async -> ReplayOutcome {
        var comparison = ShapeComparison()
        comparison.unorderedCauses = ReplayScript.unorderedCauses[exchange.number] != nil
        for step in ReplayScript.steps where step.moment == .before(exchange.number) {
            do {
                try await step.action(self)
            } catch {
                comparison.note("precondition", "\(step.why): \(error)")
            }
        }
        let response = await api.handle(request(for: exchange))
        switch response {
        case let .watch(stream):
            let timeout = Int(exchange.params["timeoutSeconds"] ?? "") ?? 5
            let during = ReplayScript.steps.filter { $0.moment == .whileWatching(exchange.number) }
            var failures: [String] = []
            let events = await consume(stream, deadline: .seconds(timeout + 10)) {
                for step in during {
                    do { try await step.action(self) } catch { failures.append("\(step.why): \(error)") }
                }
            }
            for failure in failures { comparison.note("write during the watch", failure) }
            compareHeaders(exchange, status: 200, headers: ["content-type": Self.watchContentType], into: &comparison)
            switch exchange.answer {
            case let .events(recorded, total):
                WatchComparison.compare(recorded: recorded.map(RecordingArtefacts.removed), total: total, actual: events,
                                        into: &comparison)
            default:
                comparison.note("body", "a watch (\(WatchComparison.summary(events))) where the recording has a full answer")
            }
        case let .full(status, headers, body):
            let lowercased = Dictionary(headers.map { ($0.0.lowercased(), $0.1) }, uniquingKeysWith: { first, _ in first })
            compareHeaders(exchange, status: status, headers: lowercased, into: &comparison)
            await compareBody(exchange, body, into: &comparison)
        }
        for (recorded, ours) in comparison.volatile { volatile[recorded] = ours }
        return ReplayOutcome(number: exchange.number, name: exchange.name, differences: comparison.differences)
    }

    // MARK: - Requests

    /// A fresh server with the recorded requests `numbers` sent, each expected to succeed: the
    /// state those exchanges build (011's namespace, 012's CRD), for focused tests.
    static func after(_ numbers: [Int]) async -> ReplaySession {
        let session = ReplaySession()
        for number in numbers {
            let (status, body) = await session.sendRecorded(number)
            #expect((200..<300).contains(status), "recorded request \(number): \(status) \(body)")
        }
        return session
    }

    /// Sends one recorded request as it was recorded (translated), without comparing: for
    /// focused tests that need the state a few exchanges build (011's namespace, 012's CRD).
    @discardableResult
    func sendRecorded(_ number: Int) async -> (Int, JSON) {
        let response = await api.handle(request(for: GoldenExchange.numbered(number)))
        return (response.status, (try? JSON.parse(response.body)) ?? .null)
    }

    /// The recorded request with the recording's volatile values replaced by ours.
    private func request(for exchange: GoldenExchange) -> APIRequest {
        var query = exchange.params
        for key in ["resourceVersion", "continue"] {
            if let value = query[key], let ours = volatile[value] { query[key] = ours }
        }
        if ReplayScript.watchFromNow[exchange.number] != nil { query["resourceVersion"] = String(api.store.resourceVersion) }
        let path = exchange.path.split(separator: "/", omittingEmptySubsequences: false)
            .map { volatile[String($0)] ?? String($0) }.joined(separator: "/")
        var headers = exchange.headers
        if headers["user-agent"] == nil { headers["user-agent"] = Self.recorderAgent }
        if headers["host"] == nil { headers["host"] = Self.recorderHost }
        let body: [UInt8]
        switch exchange.body {
        case .none: body = []
        case let .json(value): body = translated(value).serialized()
        case let .text(text): body = Array(text.utf8)
        case let .bytes(bytes): body = bytes
        }
        return APIRequest(method: exchange.method, path: path, query: query, headers: headers, body: body, user: Self.admin)
    }

    /// A recorded request body with the resourceVersions and uids the recording's server chose
    /// replaced by ours (a stale-resourceVersion PUT, 033).
    private func translated(_ value: JSON, key: String? = nil) -> JSON {
        switch value {
        case let .object(members):
            return .object(Dictionary(uniqueKeysWithValues: members.map { ($0.key, translated($0.value, key: $0.key)) }))
        case let .array(elements):
            return .array(elements.map { translated($0) })
        case let .string(s) where key == "resourceVersion" || key == "uid":
            return .string(volatile[s] ?? s)
        default:
            return value
        }
    }

    // MARK: - Comparing

    private func compareHeaders(_ exchange: GoldenExchange, status: Int, headers: [String: String],
                                into comparison: inout ShapeComparison) {
        if status != exchange.status { comparison.note("status", "\(status), recorded \(exchange.status)") }
        for name in ["content-type", "warning"] where headers[name] != exchange.responseHeaders[name] {
            comparison.note("header \(name)", "\(headers[name].map { "\"\($0)\"" } ?? "absent"), recorded \(exchange.responseHeaders[name].map { "\"\($0)\"" } ?? "absent")")
        }
    }

    private func compareBody(_ exchange: GoldenExchange, _ body: [UInt8], into comparison: inout ShapeComparison) async {
        switch exchange.answer {
        case let .json(recorded):
            guard let ours = try? JSON.parse(body) else {
                comparison.note("body", "not JSON: \(String(decoding: body.prefix(120), as: UTF8.self))")
                return
            }
            comparison.compare(RecordingArtefacts.removed(from: recorded), ours, at: "body")
        case .events:
            comparison.note("body", "a full answer where the recording has a watch: \(String(decoding: body.prefix(200), as: UTF8.self))")
        case let .protobuf(envelope, jsonView):
            if let ours = ProtobufEnvelope.decode(body) {
                comparison.compare(envelope, ours, at: "body (protobuf envelope)")
            } else {
                comparison.note("body", "no protobuf envelope: \(String(decoding: body.prefix(200), as: UTF8.self))")
            }
            // The recording's json_view is a JSON GET of the created object right after.
            let name = jsonView[path: ["metadata", "name"]]?.stringValue ?? ""
            let (status, object) = await send("GET", exchange.path + "/" + name)
            if status != 200 { comparison.note("json_view", "GET \(exchange.path)/\(name) answered \(status)") } else {
                comparison.compare(jsonView, object, at: "json_view")
            }
        }
    }

    // MARK: - Watches

    /// The events of a watch until it ends by its own timeoutSeconds (or, should it not, at
    /// `deadline`), running `during` once the watch is established.
    func consume(_ stream: WatchStream, deadline: Duration, during: () async -> Void = {}) async -> [JSON] {
        let (lines, continuation) = AsyncStream.makeStream(of: [UInt8].self)
        stream.start(send: { continuation.yield($0) }, finish: { continuation.finish() })
        let watchdog = Task {
            try? await Task.sleep(for: deadline)
            stream.stop()
        }
        defer { watchdog.cancel() }
        await during()
        var events: [JSON] = []
        for await line in lines {
            events.append((try? JSON.parse(line)) ?? ["unparsable": .string(String(decoding: line, as: UTF8.self))])
        }
        return events
    }

    /// Waits until the object at `path` satisfies `predicate`, watching it (no polling).
    func waitFor(_ path: String, timeout: Duration = .seconds(30), _ predicate: @escaping @Sendable (JSON) -> Bool) async throws {
        let (collection, name) = Self.split(path)
        try await waitFor(in: collection, query: ["fieldSelector": "metadata.name=\(name)"], timeout: timeout) { type, object in
            type != "DELETED" && predicate(object)
        }
    }

    /// Waits until the object at `path` is gone (deleted, finalizers and all).
    func waitUntilGone(_ path: String, timeout: Duration = .seconds(30)) async throws {
        let (collection, name) = Self.split(path)
        if await send("GET", path).0 == 404 { return }
        try await waitFor(in: collection, query: ["fieldSelector": "metadata.name=\(name)"], timeout: timeout) { type, _ in
            type == "DELETED"
        }
    }

    /// Waits until an object of `collection` selected by `query` satisfies `predicate`, watching
    /// them (no polling); returns it.
    @discardableResult
    func waitFor(in collection: String, query: [String: String], timeout: Duration = .seconds(30),
                 _ predicate: @escaping @Sendable (_ type: String, _ object: JSON) -> Bool) async throws -> JSON {
        let seconds = Int(timeout.components.seconds)
        let response = await api.handle(APIRequest(
            method: "GET", path: collection, query: query.merging(["watch": "1", "timeoutSeconds": String(seconds)]) { a, _ in a },
            headers: ["user-agent": Self.recorderAgent], user: Self.admin))
        guard case let .watch(stream) = response else {
            throw ReplayStepError("watch of \(collection) answered \(response.status): \(String(decoding: response.body, as: UTF8.self))")
        }
        let (lines, continuation) = AsyncStream.makeStream(of: [UInt8].self)
        stream.start(send: { continuation.yield($0) }, finish: { continuation.finish() })
        var last: JSON = .null
        for await line in lines {
            guard let event = try? JSON.parse(line), let object = event["object"] else { continue }
            last = event
            if predicate(WatchComparison.type(event), object) {
                stream.stop()
                return object
            }
        }
        throw ReplayStepError("nothing in \(collection) (\(query)) got there within \(seconds) s; last event: \(String(last.description.prefix(300)))")
    }

    private static func split(_ path: String) -> (collection: String, name: String) {
        let name = path.split(separator: "/").last.map(String.init) ?? ""
        return (String(path.dropLast(name.count + 1)), name)
    }

    // MARK: - Writes of other actors

    /// One request as `agent`; the status and the parsed body.
    @discardableResult
    func send(_ method: String, _ path: String, _ body: JSON? = nil, query: [String: String] = [:],
              contentType: String = "application/json", agent: String = ReplaySession.recorderAgent) async -> (Int, JSON) {
        var headers = ["user-agent": agent]
        if body != nil { headers["content-type"] = contentType }
        let response = await api.handle(APIRequest(method: method, path: path, query: query, headers: headers,
                                                   body: body?.serialized() ?? [], user: Self.admin))
        return (response.status, (try? JSON.parse(response.body)) ?? .null)
    }

    /// `send`, refusing anything but success.
    @discardableResult
    func write(_ method: String, _ path: String, _ body: JSON? = nil, query: [String: String] = [:],
               contentType: String = "application/json", agent: String = ReplaySession.recorderAgent) async throws -> JSON {
        let (status, answer) = await send(method, path, body, query: query, contentType: contentType, agent: agent)
        guard (200..<300).contains(status) else {
            let sent = body.map { " (sent \(String($0.description.prefix(300))))" } ?? ""
            throw ReplayStepError("\(method) \(path)\(sent) answered \(status): \(answer["message"]?.stringValue ?? answer.description)")
        }
        return answer
    }

    /// Creates what a recorded object's main-resource managers set, as the first of them
    /// (its agent is the manager name). List items carry no apiVersion/kind: `type` supplies them.
    @discardableResult
    func createAsRecorded(_ object: JSON, in collection: String, type: (apiVersion: String, kind: String)? = nil,
                          adjust: (inout JSON) -> Void = { _ in }) async throws -> JSON {
        var body = RecordedObject.written(object)
        if let type {
            body["apiVersion"] = .string(type.apiVersion)
            body["kind"] = .string(type.kind)
        }
        adjust(&body)
        let agent = RecordedObject.managers(of: object).first ?? "python-requests"
        return try await write("POST", collection, body, agent: agent + "/v1.36.0")
    }

    /// Writes a recorded object's status (and what else its status managers set) through the
    /// status subresource, as its status manager.
    func writeStatusAsRecorded(_ object: JSON, at path: String, contentType: String = "application/merge-patch+json") async throws {
        guard let manager = RecordedObject.managers(of: object, subresource: "status").first else { return }
        try await write("PATCH", path + "/status", RecordedObject.written(object, subresource: "status"),
                        contentType: contentType, agent: manager + "/v1.36.0")
    }

    /// The writes behind recorded watch events: ADDED creates, MODIFIED patches what changed
    /// (the main resource as its manager, the status through the subresource as its manager),
    /// DELETED deletes.
    func replayWrites(of events: [JSON], in collection: String) async throws {
        var previous: [String: JSON] = [:]
        for event in events {
            guard let object = event["object"], let name = object[path: ["metadata", "name"]]?.stringValue else { continue }
            let path = collection + "/" + name
            switch WatchComparison.type(event) {
            case "ADDED":
                try await createAsRecorded(object, in: collection)
            case "MODIFIED":
                let before = previous[name] ?? [:]
                if let patch = RecordedObject.mergePatch(from: RecordedObject.written(before), to: RecordedObject.written(object)) {
                    let agent = RecordedObject.managers(of: object).first ?? "python-requests"
                    try await write("PATCH", path, patch, contentType: "application/merge-patch+json", agent: agent + "/v1.36.0")
                }
                let status = { RecordedObject.written($0, subresource: "status") }
                if let patch = RecordedObject.mergePatch(from: status(before), to: status(object)),
                   let agent = RecordedObject.managers(of: object, subresource: "status").first {
                    try await write("PATCH", path + "/status", patch, contentType: "application/merge-patch+json", agent: agent + "/v1.36.0")
                }
            case "DELETED":
                try await write("DELETE", path)
            default:
                continue
            }
            previous[name] = object
        }
    }

    /// Our uid of an object (for owner references to it).
    func uid(of path: String) async throws -> String {
        try await write("GET", path)[path: ["metadata", "uid"]]?.stringValue ?? ""
    }
}
