import Foundation
import KubeCore
import KubeTestServerCore
import Testing

/// The real Gateway API CRDs (v1.6.1, and the v1.2.1 HTTPRoute), which real clusters accept:
/// every rule in them must compile under our checker and stay within the cost budget.
@Suite(.enabled(if: GatewayAPIFiles.available, "needs ../shared/gateway-api"))
struct GatewayAPICRDTests {
    @Test(arguments: GatewayAPI.fileNames(.v1_6_1) + GatewayAPI.fileNames(.v1_2_1))
    func realCRDIsAccepted(_ file: String) async throws {
        let yaml = try String(contentsOf: GatewayAPIFiles.folder.appendingPathComponent(file), encoding: .utf8)
        let api = APIServer()
        defer { api.shutdown() }
        for crd in try JSON.parseYAMLDocuments(yaml) {
            let (status, body) = await GatewayAPIFiles.post(api, "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd)
            #expect(status == 201, "\(file): \(body["message"]?.stringValue ?? body.serializedString())")
        }
    }
}
