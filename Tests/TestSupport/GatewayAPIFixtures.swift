import Foundation
import KubeTestServerCore

/// The real Gateway API CRDs kept next to the repository in ../shared/gateway-api (CI has it),
/// for `APIServer.Configuration.gatewayAPICRDs`. Read once per test process.
public enum GatewayAPIFixtures {
    public static let folder: URL = {
        var url = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        // The file, TestSupport, Tests, the repository: its parent holds `shared`.
        for _ in 0..<4 { url.deleteLastPathComponent() }
        return url.appendingPathComponent("shared/gateway-api")
    }()

    /// The YAML of the release's CRDs, or nil where the folder is absent (a fresh clone).
    public static func crds(_ release: GatewayAPI.Release) -> [String]? {
        switch release {
        case .v1_6_1: return v1_6_1
        case .v1_2_1: return v1_2_1
        }
    }

    private static let v1_6_1 = load(.v1_6_1)
    private static let v1_2_1 = load(.v1_2_1)

    private static func load(_ release: GatewayAPI.Release) -> [String]? {
        try? GatewayAPI.fileNames(release).map { try String(contentsOf: folder.appendingPathComponent($0), encoding: .utf8) }
    }
}
