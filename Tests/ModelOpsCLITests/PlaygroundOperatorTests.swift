import Foundation
import Testing
import TestSupport

/// `modelops-playground` without `--no-operator` runs the operator in-process against its server;
/// `modelops playground`, as earlier releases spelled it, names the program in one line.
@Suite("modelops-playground with the operator")
struct PlaygroundOperatorTests {
    @Test("starts the operator in-process, serves kubectl, and ends cleanly on SIGTERM")
    func playgroundWithOperator() async throws {
        let dir = try Repository.temporaryDirectory()
        let kubeconfig = dir.appendingPathComponent("kubeconfig").path
        let playground = try OperatorProcess.playground(["--kubeconfig", kubeconfig, "--port", "0"])
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

    @Test("`modelops playground` fails with one line that names modelops-playground")
    func moved() async throws {
        let (status, output) = try await OperatorProcess.run(["playground", "--no-operator"])
        #expect(status != 0)
        #expect(output == "modelops: the playground is its own program now: run `modelops-playground` (from a clone: `swift run modelops-playground`)\n",
                "\(output)")
    }
}
