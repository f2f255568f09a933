import Foundation
import KubeCore
import KubeTestServer
import ModelOpsCRDs
import TestSupport

/// The API test server with the CRDs and the operator's namespace, as `kubectl apply -k
/// manifests/` would leave a cluster before the operator starts.
enum CLICluster {
    static let operatorNamespace = "modelops-system"

    /// `simulator`: Deployments become available and Jobs run (for the user actions' tests).
    static func start(rbac: Bool = false, simulator: Bool = false) async throws -> TestCluster {
        let cluster = try await TestCluster.start(rbac: rbac, simulator: simulator ? .init() : nil)
        try await cluster.server.apply(yaml: CRDManifests.combinedYAML)
        try await cluster.server.apply(yaml: """
            apiVersion: v1
            kind: Namespace
            metadata:
              name: \(operatorNamespace)
            """)
        return cluster
    }

    /// The Lease the operator competes for, as the server stores it (nil when absent).
    static func lease(_ cluster: TestCluster, name: String = "modelops-operator") async -> JSON? {
        let lease = await cluster.direct("GET", "/apis/coordination.k8s.io/v1/namespaces/\(operatorNamespace)/leases/\(name)")
        return lease["kind"]?.stringValue == "Lease" ? lease : nil
    }
}
