import TestSupport
import Foundation
import Testing

/// The `modelops-playground` binary as a user runs it.
@Suite("modelops-playground")
struct PlaygroundTests {
    /// The built `modelops-playground` executable, next to the test bundle.
    static var binary: String? {
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("modelops-playground").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return nil
    }

    @Test("starts, writes a kubeconfig kubectl can use, serves the ModelOps CRDs, and ends cleanly on SIGTERM")
    func playground() async throws {
        let binary = try #require(Self.binary, "modelops-playground binary not built next to the tests")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pg-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let kubeconfig = dir.appendingPathComponent("kubeconfig").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["--no-operator", "--kubeconfig", kubeconfig, "--port", "0"]
        let output = dir.appendingPathComponent("out.log")
        FileManager.default.createFile(atPath: output.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: output)
        process.standardError = process.standardOutput
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        // The kubeconfig is written before the banner is printed: wait for the banner's last line.
        try await eventually(timeout: .seconds(30), "kubeconfig written and announced") {
            FileManager.default.fileExists(atPath: kubeconfig)
                && ((try? String(contentsOf: output, encoding: .utf8))?.contains("try: kubectl") ?? false)
        }
        let log = try String(contentsOf: output, encoding: .utf8)
        #expect(log.contains("not a cluster") && log.contains("API server: https://127.0.0.1:"))
        let kubectl = try await Command.run(TestCluster.kubectlPath,
                                            ["--kubeconfig", kubeconfig, "--cache-dir", dir.appendingPathComponent("cache").path,
                                             "get", "crds", "-o", "name"])
        #expect(kubectl.stdout.contains("modeldeployments.modelops.io"))
        #expect(kubectl.stdout.contains("trainingjobs.modelops.io") && kubectl.stdout.contains("retrainpolicies.modelops.io"))
        let status: Int32 = await withCheckedContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            process.terminate()  // SIGTERM
        }
        #expect(status == 0)
    }
}
