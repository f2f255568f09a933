import Foundation
import KubeCore
import KubeTestServerCore

/// The real Gateway API CRDs in ../shared/gateway-api (next to the repository; CI has it), and an
/// API server with them installed. Tests that need them are skipped where the folder is absent.
enum GatewayAPIFiles {
    static let folder: URL = {
        var url = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        // The file, Resources, KubeTestServerCoreTests, Tests, the repository: its parent holds `shared`.
        for _ in 0..<5 { url.deleteLastPathComponent() }
        return url.appendingPathComponent("shared/gateway-api")
    }()

    static var available: Bool {
        FileManager.default.fileExists(atPath: folder.appendingPathComponent(GatewayAPI.fileNames(.v1_6_1)[0]).path)
    }

    /// The YAML of each CRD of the release.
    static func crds(_ release: GatewayAPI.Release) throws -> [String] {
        try GatewayAPI.fileNames(release).map { try String(contentsOf: folder.appendingPathComponent($0), encoding: .utf8) }
    }

    static let admin = UserInfo(name: "gateway-tests", groups: ["system:masters"])

    /// POSTs one object; the status and the answer.
    @discardableResult
    static func post(_ api: APIServer, _ path: String, _ object: JSON, query: [String: String] = [:]) async -> (status: Int, body: JSON) {
        let response = await api.handle(APIRequest(method: "POST", path: path, query: query,
                                                   headers: ["content-type": "application/json"], body: object.serialized(), user: admin))
        return (response.status, (try? JSON.parse(response.body)) ?? .null)
    }

    /// One server with the v1.6.1 CRDs for a whole suite: creating a route does not change what
    /// the next test sees as long as each test uses its own route names.
    static let sharedV1_6_1 = Task { try await server(.v1_6_1) }

    /// An API server with the release's CRDs created (each must be accepted).
    static func server(_ release: GatewayAPI.Release) async throws -> APIServer {
        let api = APIServer()
        for yaml in try crds(release) {
            for crd in try GatewayAPI.documents(yaml) {
                let (status, body) = await post(api, "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd)
                guard status == 201 else { throw APIError(code: status, reason: "", message: body.serializedString()) }
            }
        }
        return api
    }
}
