import Foundation
import KubeCore
import KubeTestServerCore

/// One request/response exchange recorded from a real Kubernetes v1.36 API server
/// (Fixtures/kube-golden/NNN-name.json, copied from ../shared/kube-golden).
struct GoldenExchange: Sendable {
    /// What the recorder sent.
    enum Body: Sendable {
        case none
        case json(JSON)
        /// YAML of server-side apply, or a deliberately malformed JSON text (028).
        case text(String)
        /// Protobuf, the exact bytes (133-138).
        case bytes([UInt8])
    }

    /// What the real server answered.
    enum Answer: Sendable {
        case json(JSON)
        /// A watch: the events in order; `total` when the recording trimmed a long stream to its
        /// first and last events (with a `{"note": ...}` in between).
        case events([JSON], total: Int?)
        /// A protobuf body: its runtime.Unknown `envelope` and `jsonView`, the object as a JSON
        /// GET right after returned it.
        case protobuf(envelope: JSON, jsonView: JSON)
    }

    let number: Int
    /// The file name without `.json`, e.g. `017-cr-create`.
    let name: String
    let description: String
    let method: String
    let path: String
    let params: [String: String]
    /// Header names lowercased.
    let headers: [String: String]
    let body: Body
    let status: Int
    /// Response header names lowercased (content-type, warning, ...).
    let responseHeaders: [String: String]
    let answer: Answer
    /// The whole recorded file.
    let recorded: JSON

    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/kube-golden")

    /// Every recorded exchange, in recording order.
    static let all: [GoldenExchange] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix(".json") }.sorted().map { name in
            do {
                return try GoldenExchange(file: directory.appendingPathComponent(name))
            } catch {
                fatalError("unreadable golden exchange \(name): \(error)")
            }
        }
    }()

    static let numbers: [Int] = all.map(\.number)

    init(file: URL) throws {
        let json = try JSON.parse(Array(try Data(contentsOf: file)))
        recorded = json
        name = file.deletingPathExtension().lastPathComponent
        number = Int(name.prefix(3)) ?? 0
        description = json["description"]?.stringValue ?? ""
        let request = json["request"] ?? [:]
        method = request["method"]?.stringValue ?? "GET"
        path = request["path"]?.stringValue ?? "/"
        params = (request["params"]?.objectValue ?? [:]).compactMapValues(\.stringValue)
        headers = Dictionary((request["headers"]?.objectValue ?? [:]).compactMap { key, value in
            value.stringValue.map { (key.lowercased(), $0) }
        }, uniquingKeysWith: { a, _ in a })
        switch request["body"] {
        case nil, .null?: body = .none
        case let .string(text)?: body = .text(text)
        case let value? where value["base64"] != nil:
            body = .bytes(Array(Data(base64Encoded: value["base64"]?.stringValue ?? "") ?? Data()))
        case let value?: body = .json(value)
        }
        let response = json["response"] ?? [:]
        status = Int(response["status"]?.intValue ?? 0)
        responseHeaders = Dictionary((response["headers"]?.objectValue ?? [:]).compactMap { key, value in
            value.stringValue.map { (key.lowercased(), $0) }
        }, uniquingKeysWith: { a, _ in a })
        let responseBody = response["body"] ?? .null
        if let events = responseBody.arrayValue, params["watch"] != nil {
            answer = .events(events, total: response["events_total"]?.intValue.map(Int.init))
        } else if responseBody["base64"] != nil {
            answer = .protobuf(envelope: response["envelope"] ?? .null, jsonView: response["json_view"] ?? .null)
        } else {
            answer = .json(responseBody)
        }
    }
}

extension GoldenExchange {
    /// The exchange numbered `number` (17 for 017-cr-create.json).
    init(_ number: Int) throws {
        guard let exchange = Self.all.first(where: { $0.number == number }) else { throw GoldenMissing(number: number) }
        self = exchange
    }

    static func numbered(_ number: Int) -> GoldenExchange {
        guard let exchange = try? GoldenExchange(number) else { fatalError("no golden exchange \(number)") }
        return exchange
    }

    var file: String { name + ".json" }
    var requestBody: JSON { recorded[path: ["request", "body"]] ?? .null }
    var responseStatus: Int { status }
    var responseBody: JSON { recorded[path: ["response", "body"]] ?? .null }

    /// The items of a recorded list answer.
    var recordedItems: [JSON] { responseBody["items"]?.arrayValue ?? [] }

    /// The events of a recorded watch.
    var recordedEvents: [JSON] {
        if case let .events(events, _) = answer { return events }
        return []
    }

    /// Sends the recorded request, or `body` in its place, as the recording client did (no
    /// translation of volatile values: for exchanges that stand alone).
    func replay(on api: APIServer, body: JSON? = nil) async -> GoldenAnswer {
        var headers: [String: String] = ["user-agent": ReplaySession.recorderAgent]
        for (key, value) in self.headers { headers[key] = value }
        let payload = body ?? requestBody
        let response = await api.handle(APIRequest(method: method, path: path, query: params, headers: headers,
                                                   body: payload.isNull ? [] : payload.serialized(), user: GoldenAnswer.admin))
        return GoldenAnswer(status: response.status, body: (try? JSON.parse(response.body)) ?? .null)
    }
}

struct GoldenMissing: Error { let number: Int }
