import Foundation
import KubeCore

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

    var isWatch: Bool { params["watch"] == "1" || params["watch"] == "true" }

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
    static func numbered(_ number: Int) -> GoldenExchange {
        guard let exchange = all.first(where: { $0.number == number }) else { fatalError("no golden exchange \(number)") }
        return exchange
    }

    /// The items of a recorded list answer.
    var recordedItems: [JSON] {
        if case let .json(body) = answer { return body["items"]?.arrayValue ?? [] }
        return []
    }

    /// The events of a recorded watch.
    var recordedEvents: [JSON] {
        if case let .events(events, _) = answer { return events }
        return []
    }
}
