import Foundation
import KubeCore
import Testing
import TestSupport

/// The commands of README.md's operator sections (install, run, metrics, troubleshooting), run
/// as written against the API test server: only the kubeconfig path and the two listen ports are
/// substituted, and `docker build` (no engine here) is checked against the Dockerfile.
@Suite("README commands")
struct ReadmeTests {
    /// The `sh` blocks between "## Install on a cluster" and the next section after
    /// "## Troubleshooting", without those of "## Command line and kubectl plugin" (run by
    /// `UserActionReadmeTests`).
    static func blocks() throws -> [String] {
        let readme = try Repository.read("README.md")
        let start = try #require(readme.range(of: "\n## Install on a cluster\n"))
        let end = try #require(readme.range(of: "\n## Layout\n", range: start.upperBound..<readme.endIndex))
        var text = String(readme[start.upperBound..<end.lowerBound])
        if let cli = text.range(of: "\n## Command line and kubectl plugin\n"),
           let next = text.range(of: "\n## ", range: cli.upperBound..<text.endIndex) {
            text.removeSubrange(cli.lowerBound..<next.lowerBound)
        }
        return shBlocks(text)
    }

    /// The `sh` code blocks of a piece of Markdown, unindented.
    static func shBlocks(_ markdown: String) -> [String] {
        var blocks: [String] = []
        var current: [String]?
        var indent = 0
        for line in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if current == nil, trimmed == "```sh" {
                current = []
                indent = line.prefix { $0 == " " }.count  // a block inside a list item is indented
                continue
            }
            if current != nil, trimmed == "```" { blocks.append(current!.joined(separator: "\n")); current = nil; continue }
            if current != nil { current!.append(String(line.dropFirst(min(indent, line.prefix { $0 == " " }.count)))) }
        }
        return blocks
    }

    @Test("every README command works as documented")
    func commands() async throws {
        let blocks = try Self.blocks()
        #expect(blocks.count == 6, "a new README block needs a test here: \(blocks)")
        guard blocks.count == 6 else { return }

        // 1. docker build: its VERSION is the Dockerfile's build argument, its tag the overlay's image.
        let build = blocks[0]
        #expect(build.hasPrefix("docker build --build-arg VERSION=") && build.hasSuffix(" ."))
        #expect(try Repository.read("Dockerfile").contains("\nARG VERSION="))
        let tag = try #require(build.split(separator: " ").first { $0.contains(":") && !$0.contains("=") })
        #expect(blocks[1].contains("newName: \(tag.split(separator: ":")[0])") && blocks[1].contains("newTag: \(tag.split(separator: ":")[1])"))

        let cluster = try await TestCluster.start()
        let work = try Repository.temporaryDirectory()
        try FileManager.default.createSymbolicLink(atPath: work.appendingPathComponent("manifests").path, withDestinationPath: Repository.path("manifests"))
        try FileManager.default.createSymbolicLink(atPath: work.appendingPathComponent("crds").path, withDestinationPath: Repository.path("crds"))
        func sh(_ script: String) async throws -> CommandResult {
            try await Command.run("/bin/sh", ["-ec", "cd '\(work.path)'\n" + script],
                                  environment: ["KUBECONFIG": cluster.kubeconfig, "HOME": work.path])
        }
        var op: OperatorProcess?
        do {
            // 2. The overlay and kubectl apply -k.
            let install = try await sh(blocks[1])
            #expect(install.status == 0, "\(install)")
            #expect(install.stdout.contains("deployment.apps/modelops-operator") && install.stdout.contains("modelops-operator "), "\(install)")
            let image = await cluster.direct("GET", "/apis/apps/v1/namespaces/modelops-system/deployments/modelops-operator")
            #expect(image[path: ["spec", "template", "spec", "containers"]]?.arrayValue?.first?["image"]?.stringValue
                    == "registry.example.com/ml/modelops:0.1.0")

            // 3. modelops run from a workstation (free ports instead of 8080/8081).
            var run = blocks[2].split(separator: " ").map(String.init)
            #expect(run.first == "modelops")
            run.removeFirst()
            run = run.map { $0 == "~/.kube/config" ? cluster.kubeconfig : $0 == "127.0.0.1:8080" || $0 == "127.0.0.1:8081" ? "127.0.0.1:0" : $0 }
            let running = try OperatorProcess(arguments: run + ["--log-format", "json"])
            op = running
            try await running.waitForLine("starting the ModelOps operator")
            let metrics = try await running.listenerPort("metrics")
            let probes = try await running.listenerPort("health probes")
            try await eventually(timeout: .seconds(20), "the Lease held") { await CLICluster.lease(cluster) != nil }

            // 4. curl /metrics and /readyz.
            let curls = blocks[3].replacingOccurrences(of: "localhost:8080", with: "127.0.0.1:\(metrics)")
                .replacingOccurrences(of: "localhost:8081", with: "127.0.0.1:\(probes)")
            try await eventually(timeout: .seconds(20), "curl shows metrics and ok") {
                let out = try await sh(curls)
                return out.status == 0 && out.stdout.contains("leader_election_master_status") && out.stdout.hasSuffix("ok")
            }

            // 5. The shipped ClusterRole.
            let role = try await sh(blocks[4])
            #expect(role.status == 0 && role.stdout.contains("name: modelops-manager") && role.stdout.contains("trainingjobs"), "\(role)")

            // 6. Who leads.
            let lead = try await sh(blocks[5])
            let start = try JSON.parse(try await running.waitForLine("starting the ModelOps operator"))
            #expect(lead.status == 0 && lead.stdout == start["identity"]?.stringValue, "\(lead)")
            #expect(try await running.terminate() == 0)
        } catch {
            op?.kill()
            await cluster.stop()
            throw error
        }
        await cluster.stop()
    }
}
