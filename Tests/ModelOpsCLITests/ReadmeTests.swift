import Foundation
import KubeCore
import Testing
import TestSupport

/// The commands of README.md's operator sections (install, run, metrics, troubleshooting), run
/// as written against the API test server: only the kubeconfig path and the two listen ports are
/// substituted, and `docker build` (no engine here) is checked against the Dockerfile.
@Suite("README commands")
struct ReadmeTests {
    /// The `sh` blocks between "## Install on a cluster" and "## Layout", without the quick
    /// start's (run by `PlaygroundQuickStartTests`) and the command line's (run by
    /// `UserActionReadmeTests`).
    static func blocks() throws -> [String] {
        try Readme.blocks(from: Readme.install, to: Readme.commandLine)
            + Readme.blocks(from: Readme.troubleshooting, to: Readme.layout)
    }

    @Test("every sh block of README.md is run by a test: the quick start's, and the operator sections'")
    func everyBlockTested() throws {
        let readme = try Repository.read("README.md")
        let all = readme.split(separator: "\n").filter { $0.trimmingCharacters(in: .whitespaces) == "```sh" }.count
        let quickStart = try Readme.blocks(from: Readme.quickStart, to: Readme.install).count
        let commandLine = try Readme.blocks(from: Readme.commandLine, to: Readme.troubleshooting).count
        let endToEnd = try E2EReadmeTests.blocks().count
        #expect(all == quickStart + commandLine + endToEnd + (try Self.blocks().count), "an sh block outside the tested sections")
    }

    @Test("the quick start's two commands from a fresh clone: the playground, and the test command CI runs")
    func quickStartCommands() throws {
        let blocks = try PlaygroundQuickStartTests.blocks()
        #expect(blocks[0] == "swift run modelops-playground", "run by PlaygroundQuickStartTests: \(blocks[0])")
        // .ci/run installs what a fresh machine lacks and runs "the test command README.md gives".
        let ci = try Repository.read(".ci/run")
        let line = try #require(ci.split(separator: "\n").first { $0.hasPrefix("swift test") })
        #expect(line.hasPrefix(blocks[1] + " "), "README says \(blocks[1]), CI runs \(line)")
        // The packages README names are those CI installs on a fresh machine.
        let readme = try Repository.read("README.md")
        let install = try #require(readme.split(separator: "\n").first { $0.contains("apt-get install -y") })
        for package in ["libcurl4-openssl-dev", "kubernetes-client", "curl", "prometheus"] {
            #expect(install.contains(package) && ci.contains(package), "\(package) in README and .ci/run")
        }
    }

    @Test("every README command works as documented")
    func commands() async throws {
        let blocks = try Self.blocks()
        #expect(blocks.count == 7, "a new README block needs a test here: \(blocks)")
        guard blocks.count == 7 else { return }

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

            // 5. Prometheus's ServiceAccount bound to the metrics-reader ClusterRole manifests/ ships.
            let binding = try await sh(blocks[4])
            #expect(binding.status == 0, "\(binding)")
            let bound = await cluster.direct("GET", "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/prometheus-modelops-metrics")
            #expect(bound[path: ["roleRef", "name"]] == "modelops-metrics-reader", "\(bound)")
            #expect(await cluster.direct("GET", "/apis/rbac.authorization.k8s.io/v1/clusterroles/modelops-metrics-reader")["rules"]
                    == [["nonResourceURLs": ["/metrics"], "verbs": ["get"]]])

            // 6. The shipped ClusterRole.
            let role = try await sh(blocks[5])
            #expect(role.status == 0 && role.stdout.contains("name: modelops-manager") && role.stdout.contains("trainingjobs"), "\(role)")

            // 7. Who leads.
            let lead = try await sh(blocks[6])
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
