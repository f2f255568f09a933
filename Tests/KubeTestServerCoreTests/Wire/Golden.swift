import Foundation
import KubeCore
import KubeTestServerCore
import Testing

/// One exchange recorded from a real Kubernetes v1.36 API server (Fixtures/kube-golden, copied
/// from ../shared/kube-golden): the request as it was sent and the answer the server gave.
struct Golden {
    let number: Int
    let description: String
    let request: JSON
    let status: Int
    /// The response body: an object, or for a watch the list of its events.
    let body: JSON

    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/kube-golden")

    init(_ number: Int) throws {
        let prefix = String(format: "%03d-", number)
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.directory.path)
        guard let name = names.first(where: { $0.hasPrefix(prefix) && $0.hasSuffix(".json") }) else {
            throw GoldenMissing(number: number)
        }
        let data = try Data(contentsOf: Self.directory.appendingPathComponent(name))
        let json = try JSON.parse(Array(data))
        self.number = number
        description = json["description"]?.stringValue ?? ""
        request = json["request"] ?? .null
        status = Int(json[path: ["response", "status"]]?.intValue ?? 0)
        body = json[path: ["response", "body"]] ?? .null
    }

    struct GoldenMissing: Error { var number: Int }

    var method: String { request["method"]?.stringValue ?? "GET" }
    var path: String { request["path"]?.stringValue ?? "" }
    var params: [String: String] { (request["params"]?.objectValue ?? [:]).compactMapValues(\.stringValue) }

    /// The recorded request body as bytes (the recorder kept a JSON text as a string, an object as JSON).
    var requestBody: [UInt8] {
        switch request["body"] {
        case let .string(text)?: return Array(text.utf8)
        case nil, .null?: return []
        case let value?: return value.serialized()
        }
    }

    var requestHeaders: [String: String] {
        var headers: [String: String] = [:]
        for (name, value) in request["headers"]?.objectValue ?? [:] { headers[name.lowercased()] = value.stringValue }
        return headers
    }

    /// The response's list items (a list body).
    var items: [JSON] { body["items"]?.arrayValue ?? [] }

    /// The events of a recorded watch.
    var events: [JSON] { body.arrayValue ?? [] }
}

/// The shape checks the wire tests share: what exists, and the parts of a Status a client reads.
enum Shape {
    static func keys(_ json: JSON?) -> Set<String> { Set(json?.objectValue?.keys ?? [:].keys) }

    /// Same code, reason, message, details (group, kind, name) and the same causes, in any order:
    /// the real server orders some causes by Go map iteration.
    static func expectSameStatus(_ actual: JSON, _ golden: Golden, sourceLocation: SourceLocation = #_sourceLocation) {
        let expected = golden.body
        for key in ["kind", "apiVersion", "status", "message", "reason", "code"] {
            #expect(actual[key] == expected[key], "\(key) (golden \(golden.number))", sourceLocation: sourceLocation)
        }
        #expect(keys(actual) == keys(expected), "Status members (golden \(golden.number))", sourceLocation: sourceLocation)
        var actualDetails = actual["details"]?.objectValue ?? [:]
        var expectedDetails = expected["details"]?.objectValue ?? [:]
        let actualCauses = actualDetails.removeValue(forKey: "causes")?.arrayValue ?? []
        let expectedCauses = expectedDetails.removeValue(forKey: "causes")?.arrayValue ?? []
        #expect(actualDetails == expectedDetails, "details (golden \(golden.number))", sourceLocation: sourceLocation)
        #expect(sortedCauses(actualCauses) == sortedCauses(expectedCauses), "causes (golden \(golden.number))",
                sourceLocation: sourceLocation)
    }

    static func sortedCauses(_ causes: [JSON]) -> [String] {
        causes.map { $0.serializedString() }.sorted()
    }

    /// A list as the real server writes it: the same members and list metadata members as the
    /// golden's, each item with the members its golden counterpart has (so no apiVersion/kind on
    /// items of built-in kinds).
    static func expectSameList(_ actual: JSON, _ golden: Golden, sourceLocation: SourceLocation = #_sourceLocation) {
        let expected = golden.body
        #expect(keys(actual) == keys(expected), "list members (golden \(golden.number))", sourceLocation: sourceLocation)
        #expect(actual["kind"] == expected["kind"] && actual["apiVersion"] == expected["apiVersion"],
                "list kind/apiVersion (golden \(golden.number))", sourceLocation: sourceLocation)
        #expect(keys(actual["metadata"]) == keys(expected["metadata"]), "list metadata (golden \(golden.number))",
                sourceLocation: sourceLocation)
        let items = actual["items"]?.arrayValue ?? []
        #expect(items.count == golden.items.count, "item count (golden \(golden.number))", sourceLocation: sourceLocation)
        for (item, recorded) in zip(items, golden.items) {
            #expect(keys(item) == keys(recorded),
                    "members of \(item[path: ["metadata", "name"]]?.stringValue ?? "?") (golden \(golden.number))",
                    sourceLocation: sourceLocation)
        }
    }
}
