import ArgumentParser
import Foundation
import KubeCore
import KubeTestServer
import KubeTestServerCore
import Synchronization

/// Benchmarks, each printing one JSON object. Run them in release:
/// `swift run -c release modelops-bench rollout --objects 10000`. `informer`, `rollout`,
/// `steady`, `training` and `schedule` run the real operator in process; `firstdeploy` runs it (or
/// a peer) in its own process against a playground in another; `apiserver`, `client` and `cache`
/// measure the layers under it.
@main
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "modelops-bench", abstract: "ModelOps benchmarks (JSON output).",
        subcommands: [InformerBench.self, RolloutBench.self, SteadyBench.self, TrainingBench.self, ScheduleBench.self,
                      FirstDeployBench.self, APIServerBench.self, ClientBench.self, CacheBench.self, DecodeBench.self])
}

/// The API test server: list latency for N custom objects over HTTPS (measured with curl, the
/// server's real clients being kubectl and curl) and in process, and watch delivery latency.
struct APIServerBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "apiserver")

    @Option(help: "Custom objects to store.") var objects = 10_000
    @Option(help: "Repetitions per measurement.") var repeats = 20
    @Flag(help: "Print JSON only (default output is JSON too).") var json = false

    func run() async throws {
        let server = try await TestAPIServer.start()
        let admin = UserInfo(name: "kubernetes-admin", groups: ["system:masters"])
        func call(_ method: String, _ path: String, _ body: String = "", type: String = "application/json") async -> APIResponse {
            let (path, query) = APIRequest.splitTarget(path)
            return await server.api.handle(APIRequest(method: method, path: path, query: query, headers: ["content-type": type],
                                                      body: Array(body.utf8), user: admin))
        }
        _ = await call("POST", "/api/v1/namespaces", #"{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"bench"}}"#)
        _ = await call("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", Self.crd)
        let base = "/apis/bench.example.com/v1/namespaces/bench/widgets"
        let createStart = ContinuousClock.now
        for i in 0..<objects {
            _ = await call("POST", base, #"{"apiVersion":"bench.example.com/v1","kind":"Widget","metadata":{"name":"w-\#(i)","labels":{"app":"bench","shard":"\#(i % 10)"}},"spec":{"model":"fraud","version":"v\#(i % 7)","replicas":\#(i % 5),"weights":[10,50,100]}}"#)
        }
        let createSeconds = (ContinuousClock.now - createStart).seconds

        // In process: the server's own list path (routing, filter, byte assembly).
        var inProcess: [Double] = []
        var listBytes = 0
        for _ in 0..<repeats {
            let start = ContinuousClock.now
            let response = await call("GET", base)
            inProcess.append((ContinuousClock.now - start).milliseconds)
            listBytes = response.body.count
        }

        // Over HTTPS with curl: what a client waits for (TLS handshake included in total).
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let ca = dir.appendingPathComponent("ca.crt")
        try Data(server.ca.certificatePEM.utf8).write(to: ca)
        var overHTTPS: [Double] = []
        var firstByte: [Double] = []
        for _ in 0..<repeats {
            let out = try runCurl(["-sS", "--cacert", ca.path, "-H", "Authorization: Bearer \(server.adminToken)",
                                   "-o", "/dev/null", "-w", "%{time_total} %{time_starttransfer} %{time_appconnect}", server.url + base])
            let parts = out.split(separator: " ").compactMap { Double($0) }
            if parts.count == 3 {
                overHTTPS.append((parts[0] - parts[2]) * 1000)   // request → last byte, after TLS
                firstByte.append((parts[1] - parts[2]) * 1000)
            }
        }

        // Watch delivery: a write's event reaching the watch's transport sink.
        let latencies = Mutex<[Double]>([])
        let pendingStart = Mutex<ContinuousClock.Instant?>(nil)
        guard case let .watch(stream) = await call("GET", base + "?watch=1&resourceVersion=\(server.api.store.resourceVersion)&timeoutSeconds=600") else {
            throw ValidationError("watch did not start")
        }
        stream.start(send: { _ in
            let now = ContinuousClock.now
            if let start = pendingStart.withLock({ s -> ContinuousClock.Instant? in defer { s = nil }; return s }) {
                latencies.withLock { $0.append((now - start).milliseconds) }
            }
        }, finish: {})
        for i in 0..<max(repeats * 10, 200) {
            pendingStart.withLock { $0 = ContinuousClock.now }
            _ = await call("PATCH", base + "/w-\(i % objects)", #"{"spec":{"replicas":\#(1000 + i)}}"#, type: "application/merge-patch+json")
        }
        stream.stop()
        await server.stop()
        try? FileManager.default.removeItem(at: dir)

        let report: JSON = [
            "scenario": "apiserver",
            "objects": .int(Int64(objects)),
            "createSeconds": .double(createSeconds),
            "listBytes": .int(Int64(listBytes)),
            "listInProcessMs": Self.percentiles(inProcess),
            "listOverHTTPSMs": Self.percentiles(overHTTPS),
            "listFirstByteOverHTTPSMs": Self.percentiles(firstByte),
            "watchDeliveryMs": Self.percentiles(latencies.withLock { $0 }),
            "rssMB": .double(Self.rssMB()),
        ]
        print(report.prettyString())
    }

    func runCurl(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    static func percentiles(_ values: [Double]) -> JSON {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return .null }
        func p(_ q: Double) -> Double { sorted[min(sorted.count - 1, Int(Double(sorted.count - 1) * q))] }
        func r(_ v: Double) -> JSON { .double((v * 1000).rounded() / 1000) }
        return ["p50": r(p(0.5)), "p99": r(p(0.99)), "max": r(sorted.last!), "n": .int(Int64(sorted.count))]
    }

    static func rssMB() -> Double {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }) else { return 0 }
        let kb = Double(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
        return (kb / 1024 * 10).rounded() / 10
    }

    static let crd = #"{"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","metadata":{"name":"widgets.bench.example.com"},"spec":{"group":"bench.example.com","scope":"Namespaced","names":{"plural":"widgets","singular":"widget","kind":"Widget"},"versions":[{"name":"v1","served":true,"storage":true,"subresources":{"status":{}},"schema":{"openAPIV3Schema":{"type":"object","properties":{"spec":{"type":"object","properties":{"model":{"type":"string"},"version":{"type":"string"},"replicas":{"type":"integer","minimum":0},"weights":{"type":"array","items":{"type":"integer"},"x-kubernetes-validations":[{"rule":"self.all(w, w >= 0 && w <= 100)","message":"weights 0-100"}]}}},"status":{"type":"object","x-kubernetes-preserve-unknown-fields":true}}}}}]}}"#
}

extension Duration {
    var seconds: Double { timeInterval }
    var milliseconds: Double { seconds * 1000 }
}
