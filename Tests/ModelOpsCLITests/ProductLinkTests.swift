import Foundation
import Testing

/// What each shipped binary links, read from the binaries themselves: a Swift symbol names its
/// module (`18KubeTestServerCore`), so a module the binary does not link leaves no such name.
/// The operator's image carries `modelops` only; the kubectl plugin is installed on laptops.
@Suite("product binaries link what they need")
struct ProductLinkTests {
    static func mentions(_ binary: String, module: String) throws -> Bool {
        let data = try Data(contentsOf: URL(fileURLWithPath: binary), options: .alwaysMapped)
        return data.range(of: Data("\(module.utf8.count)\(module)".utf8)) != nil
    }

    @Test("modelops (the operator) links no test server, simulator or playground")
    func operatorBinary() throws {
        let binary = try #require(Repository.binary)
        #expect(try Self.mentions(binary, module: "ModelOpsControllers"), "the check itself finds a module the operator links")
        for module in ["KubeTestServerCore", "KubeTestServer", "KubeProtobuf", "modelops_playground", "ModelOpsTesting"] {
            #expect(try !Self.mentions(binary, module: module), "modelops links \(module)")
        }
    }

    @Test("kubectl-modelops links neither the controllers nor the runtime nor the test server")
    func pluginBinary() throws {
        let binary = try #require(Repository.plugin)
        #expect(try Self.mentions(binary, module: "ModelOpsCLI"))
        for module in ["ModelOpsControllers", "KubeRuntime", "KubeTestServerCore", "KubeTestServer"] {
            #expect(try !Self.mentions(binary, module: module), "kubectl-modelops links \(module)")
        }
    }
}
