import ArgumentParser
import Foundation
import KubeClient
import KubeCore
import KubeTestServer
import KubeTestServerCore
import Synchronization

/// The Kubernetes client against the API test server over HTTPS: small-GET throughput on one
/// connection (HTTP/1.1 and HTTP/2), list transfer+decode of N objects (typed and dynamic), and
/// watch event latency from a write to the decoded event in the client.
struct ClientBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "client")

    @Option(help: "Objects to list.") var objects = 10_000
    @Option(help: "Sequential small GETs per protocol.") var requests = 2_000
    @Option(help: "Watch events to time.") var events = 500

    func run() async throws {
        var serverOptions = TestAPIServer.Options()
        serverOptions.simulator = nil
        let server = try await TestAPIServer.start(serverOptions)
        let admin = UserInfo(name: "kubernetes-admin", groups: ["system:masters"])
        _ = await server.api.handle(APIRequest(method: "POST", path: "/api/v1/namespaces", headers: ["content-type": "application/json"],
                                                body: Array(#"{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"bench"}}"#.utf8), user: admin))
        for i in 0..<objects {
            _ = await server.api.handle(APIRequest(
                method: "POST", path: "/api/v1/namespaces/bench/configmaps", headers: ["content-type": "application/json"],
                body: Array(#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm-\#(i)","labels":{"app":"bench","shard":"\#(i % 10)"}},"data":{"model":"fraud","version":"v\#(i % 7)","uri":"s3://models/fraud/v\#(i % 7)"}}"#.utf8),
                user: admin))
        }
        func makeClient(http2: Bool) throws -> KubeClient {
            var configuration = ClientConfiguration(server: server.url, tls: TLSOptions(caPEM: Array(server.ca.certificatePEM.utf8)),
                                                    namespace: "bench", credentials: .token(server.adminToken), source: "bench")
            configuration.namespace = "bench"
            var options = KubeClient.Options()
            options.http2 = http2
            options.qps = 0
            return try KubeClient(configuration: configuration, options: options)
        }

        var report: [String: JSON] = ["scenario": "client", "objects": .int(Int64(objects))]
        for http2 in [false, true] {
            let client = try makeClient(http2: http2)
            _ = try await client.serverVersion()
            let start = ContinuousClock.now
            for _ in 0..<requests { _ = try await client.serverVersion() }
            let seconds = (ContinuousClock.now - start).seconds
            report[http2 ? "smallGetsPerSecondHTTP2" : "smallGetsPerSecondHTTP1"] = .double((Double(requests) / seconds).rounded())
            // 16 callers at once over the one connection (HTTP/2) or a pool (HTTP/1.1).
            let concurrentStart = ContinuousClock.now
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<16 {
                    group.addTask { for _ in 0..<(requests / 16) { _ = try await client.serverVersion() } }
                }
                try await group.waitForAll()
            }
            let concurrentSeconds = (ContinuousClock.now - concurrentStart).seconds
            report[http2 ? "concurrentGetsPerSecondHTTP2" : "concurrentGetsPerSecondHTTP1"] = .double((Double(requests / 16 * 16) / concurrentSeconds).rounded())
            report[http2 ? "connectionsHTTP2" : "connectionsHTTP1"] = .int(Int64(client.transportStats.connectionsOpened))
            client.shutdown()
        }

        let client = try makeClient(http2: true)
        var typed: [Double] = [], dynamic: [Double] = []
        for _ in 0..<5 {
            var start = ContinuousClock.now
            let list = try await client.resource(ConfigMap.self, namespace: "bench").list()
            typed.append((ContinuousClock.now - start).milliseconds)
            precondition(list.items.count == objects)
            start = ContinuousClock.now
            let raw = try await client.dynamic(ResourceInfo(ConfigMap.self), namespace: "bench").list()
            dynamic.append((ContinuousClock.now - start).milliseconds)
            precondition(raw.items.count == objects)
        }
        report["listTypedMs"] = APIServerBench.percentiles(typed)
        report["listDynamicMs"] = APIServerBench.percentiles(dynamic)

        // Watch latency: a write made in process, the decoded event in the client over HTTPS.
        let writeStart = Mutex<ContinuousClock.Instant?>(nil)
        let cms = client.resource(ConfigMap.self, namespace: "bench")
        let rv = try await cms.list(ListOptions(limit: 1)).resourceVersion
        let latencies = Task { () -> [Double] in
            var values: [Double] = []
            for try await event in cms.watch(ListOptions(resourceVersion: rv, timeoutSeconds: 600)) {
                guard case .modified = event else { continue }
                if let start = writeStart.withLock({ $0 }) { values.append((ContinuousClock.now - start).milliseconds) }
                if values.count == events { break }
            }
            return values
        }
        while server.api.store.openWatchCount == 0 { try await Task.sleep(for: .milliseconds(5)) }
        for i in 0..<events {
            writeStart.withLock { $0 = ContinuousClock.now }
            _ = await server.api.handle(APIRequest(
                method: "PATCH", path: "/api/v1/namespaces/bench/configmaps/cm-\(i % objects)",
                headers: ["content-type": "application/merge-patch+json"],
                body: Array(#"{"data":{"seen":"\#(i)"}}"#.utf8), user: admin))
            try await Task.sleep(for: .milliseconds(2))
        }
        report["watchEventLatencyMs"] = APIServerBench.percentiles(try await latencies.value)
        report["rssMB"] = .double(APIServerBench.rssMB())
        client.shutdown()
        await server.stop()
        print(JSON.object(report).prettyString())
    }
}
