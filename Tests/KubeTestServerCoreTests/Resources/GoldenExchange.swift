import Foundation
import KubeCore
import KubeTestServerCore
import Testing

/// One request/response exchange recorded from a real Kubernetes v1.36 API server, read from
/// `Fixtures/kube-golden/NNN-*.json` (copied from ../shared/kube-golden, so a fresh clone runs
/// without it). Replaying the request against the test server and comparing the answers is how
/// a test proves the test server behaves as kube-apiserver does.
struct GoldenExchange {
    let number: Int
    let file: String
    let recorded: JSON

    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures").appendingPathComponent("kube-golden")

    init(_ number: Int) throws {
        let prefix = String(format: "%03d", number)
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.directory.path)
        guard let name = names.sorted().first(where: { $0.hasPrefix(prefix + "-") && $0.hasSuffix(".json") }) else {
            throw GoldenMissing(number: number)
        }
        self.number = number
        self.file = name
        let bytes = try [UInt8](Data(contentsOf: Self.directory.appendingPathComponent(name)))
        self.recorded = try JSON.parse(bytes)
    }

    var requestBody: JSON { recorded[path: ["request", "body"]] ?? .null }
    var responseStatus: Int { Int(recorded[path: ["response", "status"]]?.intValue ?? 0) }
    var responseBody: JSON { recorded[path: ["response", "body"]] ?? .null }

    /// Sends the recorded request, or `body` in its place, as the recording client did.
    func replay(on api: APIServer, body: JSON? = nil) async -> GoldenAnswer {
        let request = recorded["request"] ?? [:]
        var query: [String: String] = [:]
        for (key, value) in request["params"]?.objectValue ?? [:] { query[key] = value.stringValue ?? "" }
        var headers: [String: String] = ["user-agent": "python-requests/2.32"]
        for (key, value) in request["headers"]?.objectValue ?? [:] { headers[key.lowercased()] = value.stringValue ?? "" }
        let payload = body ?? requestBody
        let response = await api.handle(APIRequest(
            method: request["method"]?.stringValue ?? "GET", path: request["path"]?.stringValue ?? "/",
            query: query, headers: headers, body: payload.isNull ? [] : payload.serialized(), user: GoldenAnswer.admin))
        return GoldenAnswer(status: response.status, body: (try? JSON.parse(response.body)) ?? .null)
    }
}

struct GoldenMissing: Error { let number: Int }

/// What the test server answered.
struct GoldenAnswer {
    static let admin = UserInfo(name: "kubernetes-admin", groups: ["system:masters", "system:authenticated"])

    let status: Int
    let body: JSON

    /// The body shortened for failure messages (a CRD runs to tens of kilobytes).
    var brief: String { String(body.serializedString().prefix(600)) }

    /// One `details.causes` entry as `reason|field|message`, for comparing lists and sets.
    static func causes(_ status: JSON) -> [String] {
        (status[path: ["details", "causes"]]?.arrayValue ?? []).map { cause in
            [cause["reason"], cause["field"], cause["message"]].map { $0?.stringValue ?? "" }.joined(separator: "|")
        }
    }

    /// Expects the same refusal as `golden` recorded: status code, reason, message and causes.
    /// `unorderedCauses` is for responses whose cause order the real server draws from Go map
    /// iteration: then the causes are compared as a set, and the message as the same summaries
    /// joined in the order of our causes.
    func expectSameStatus(as golden: GoldenExchange, unorderedCauses: Bool = false,
                          sourceLocation: SourceLocation = #_sourceLocation) {
        let want = golden.responseBody
        guard status == golden.responseStatus else {
            Issue.record("\(golden.file): status \(status), expected \(golden.responseStatus); body \(brief)", sourceLocation: sourceLocation)
            return
        }
        #expect(body["kind"] == "Status", "\(golden.file): \(body)", sourceLocation: sourceLocation)
        #expect(body["code"] == want["code"], sourceLocation: sourceLocation)
        #expect(body["reason"] == want["reason"], sourceLocation: sourceLocation)
        #expect(body[path: ["details", "name"]] == want[path: ["details", "name"]], sourceLocation: sourceLocation)
        #expect(body[path: ["details", "kind"]] == want[path: ["details", "kind"]], sourceLocation: sourceLocation)
        let got = Self.causes(body), expected = Self.causes(want)
        if unorderedCauses {
            #expect(got.sorted() == expected.sorted(), sourceLocation: sourceLocation)
            let message = body["message"]?.stringValue ?? ""
            let summaries = (body[path: ["details", "causes"]]?.arrayValue ?? []).map {
                "\($0["field"]?.stringValue ?? ""): \($0["message"]?.stringValue ?? "")"
            }
            let prefix = String((want["message"]?.stringValue ?? "").prefix { $0 != "[" })
            let joined: String = prefix + "[" + summaries.joined(separator: ", ") + "]"
            #expect(message == joined, sourceLocation: sourceLocation)
        } else {
            #expect(got == expected, sourceLocation: sourceLocation)
            #expect(body["message"] == want["message"], sourceLocation: sourceLocation)
        }
    }

    /// Expects the recorded success status and, for a created object, the same name and kind.
    func expectCreated(as golden: GoldenExchange, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(status == golden.responseStatus, "\(golden.file): status \(status), body \(brief)", sourceLocation: sourceLocation)
        #expect(body["kind"] == golden.responseBody["kind"], sourceLocation: sourceLocation)
        #expect(body[path: ["metadata", "name"]] == golden.responseBody[path: ["metadata", "name"]], sourceLocation: sourceLocation)
    }
}
