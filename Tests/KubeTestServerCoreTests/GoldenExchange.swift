import Foundation
import KubeCore
import KubeTestServerCore

/// One request/response exchange recorded from a real Kubernetes v1.36 API server
/// (../shared/kube-golden), copied into Fixtures/kube-golden under its own file name so that a
/// clone without ../shared still replays it.
struct GoldenExchange {
    let request: JSON
    let response: JSON

    /// The exchange whose file name starts with `number` (`"094"`).
    init(_ number: String) throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/kube-golden")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        guard let name = names.first(where: { $0.hasPrefix(number + "-") }) else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: folder.appendingPathComponent(number).path])
        }
        let json = try JSON.parse(Array(try Data(contentsOf: folder.appendingPathComponent(name))))
        request = json["request"] ?? .null
        response = json["response"] ?? .null
    }

    var status: Int { Int(response["status"]?.intValue ?? 0) }
    var body: JSON { response["body"] ?? .null }

    /// Sends the recorded request to `api` as an administrator; the answer's status and body.
    func replay(on api: APIServer) async -> (status: Int, body: JSON) {
        var query: [String: String] = [:]
        for (key, value) in request["params"]?.objectValue ?? [:] { query[key] = value.stringValue ?? "" }
        let response = await api.handle(APIRequest(
            method: request["method"]?.stringValue ?? "GET", path: request["path"]?.stringValue ?? "/", query: query,
            headers: ["content-type": "application/json"], body: request["body"].map { $0.serialized() } ?? [],
            user: UserInfo(name: "golden-replay", groups: ["system:masters"])))
        return (response.status, (try? JSON.parse(response.body)) ?? .null)
    }
}
