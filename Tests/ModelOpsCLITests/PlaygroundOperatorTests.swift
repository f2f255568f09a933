import Foundation
import Testing
import TestSupport

/// `modelops playground` without `--no-operator` runs the operator in-process against its server.
@Suite("modelops playground with the operator")
struct PlaygroundOperatorTests {
    @Test("starts the operator in-process, serves kubectl, and ends cleanly on SIGTERM")
    func playgroundWithOperator() async throws {
        let dir = try Repository.temporaryDirectory()
        let kubeconfig = dir.appendingPathComponent("kubeconfig").path
        let playground = try OperatorProcess(arguments: ["playground", "--kubeconfig", kubeconfig, "--port", "0"])
        do {
            try await playground.waitForLine("operator: running in-process")
            #expect(!playground.log.contains("not started"))
            let kubectl = try await Command.run(TestCluster.kubectlPath,
                                                ["--kubeconfig", kubeconfig, "--cache-dir", dir.appendingPathComponent("cache").path,
                                                 "get", "crds", "-o", "name"])
            #expect(kubectl.stdout.contains("modeldeployments.modelops.io"), "\(kubectl)")
            #expect(try await playground.terminate() == 0, "\(playground.log)")
        } catch {
            playground.kill()
            throw error
        }
    }
}
