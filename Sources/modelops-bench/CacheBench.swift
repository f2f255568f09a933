import ArgumentParser
import Foundation
import KubeClient
import KubeCore
import KubeRuntime
import KubeTestServer
import KubeTestServerCore
import Synchronization

/// `cache`: one informer against the API test server over HTTPS: initial sync time of N objects (paged
/// list + decode + cache + handlers), RSS after sync, and events per second through
/// watch → cache → handler for a burst of M updates. `--kind configmap` uses a typed informer,
/// `--kind widget` a custom resource through a dynamic (JSON) informer.
///
/// The test server runs in the same process and holds its own copy of the objects, so the RSS
/// before the informer starts is reported too; the difference is the informer's share.
struct CacheBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "cache")

    @Option(help: "Objects to create and sync.") var objects = 10_000
    @Option(help: "Updates in the burst.") var updates = 2_000
    @Option(help: "Concurrent writers in the burst.") var writers = 8
    @Option(help: "configmap (typed informer) or widget (custom resource, JSON informer).") var kind = "configmap"

    struct BenchConfigMap: KubeResource {
        static let group = ""
        static let version = "v1"
        static let kind = "ConfigMap"
        static let plural = "configmaps"
        var apiVersion = "v1"
        var kind = "ConfigMap"
        var metadata: ObjectMeta
        var data: [String: String]?
    }

    func validate() throws {
        guard ["configmap", "widget"].contains(kind) else { throw ValidationError("--kind must be configmap or widget") }
        guard objects > 0, updates >= 0 else { throw ValidationError("--objects must be positive") }
    }

    func run() async throws {
        var serverOptions = TestAPIServer.Options()
        serverOptions.simulator = nil
        let server = try await TestAPIServer.start(serverOptions)
        let admin = UserInfo(name: "kubernetes-admin", groups: ["system:masters"])
        func call(_ method: String, _ path: String, _ body: String, type: String = "application/json") async -> APIResponse {
            let (bare, query) = APIRequest.splitTarget(path)
            return await server.api.handle(APIRequest(method: method, path: bare, query: query, headers: ["content-type": type],
                                                      body: Array(body.utf8), user: admin))
        }
        _ = await call("POST", "/api/v1/namespaces", #"{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"bench"}}"#)
        let widgets = kind == "widget"
        let base: String
        if widgets {
            _ = await call("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", APIServerBench.crd)
            base = "/apis/bench.example.com/v1/namespaces/bench/widgets"
        } else {
            base = "/api/v1/namespaces/bench/configmaps"
        }
        let createStart = ContinuousClock.now
        for i in 0..<objects {
            let body = widgets
                ? #"{"apiVersion":"bench.example.com/v1","kind":"Widget","metadata":{"name":"o-\#(i)","labels":{"app":"bench","shard":"\#(i % 10)"}},"spec":{"model":"fraud","version":"v\#(i % 7)","replicas":\#(i % 5),"weights":[10,50,100]}}"#
                : #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"o-\#(i)","labels":{"app":"bench","shard":"\#(i % 10)"}},"data":{"model":"fraud","version":"v\#(i % 7)","uri":"s3://models/fraud/v\#(i % 7)"}}"#
            let response = await call("POST", base + "?fieldManager=bench", body)
            guard response.status == 201 else { throw ValidationError("create failed: \(response.status)") }
        }
        let createSeconds = (ContinuousClock.now - createStart).seconds

        var configuration = ClientConfiguration(server: server.url, tls: TLSOptions(caPEM: Array(server.ca.certificatePEM.utf8)),
                                                namespace: "bench", credentials: .token(server.adminToken), source: "bench")
        configuration.namespace = "bench"
        var clientOptions = KubeClient.Options()
        clientOptions.qps = 0
        let client = try KubeClient(configuration: configuration, options: clientOptions)

        let rssBefore = ProcessStats.trimmedRSSMB()
        let updated = Mutex(0)
        let lastUpdate = Mutex<ContinuousClock.Instant?>(nil)
        let handler: @Sendable () -> Void = {
            let now = ContinuousClock.now
            updated.withLock { $0 += 1 }
            lastUpdate.withLock { $0 = now }
        }
        let syncStart = ContinuousClock.now
        let cached: @Sendable () -> Int
        let stats: @Sendable () -> InformerStats
        let task: Task<Void, Never>
        if widgets {
            let informer = Informer(client.dynamic(ResourceInfo(group: "bench.example.com", version: "v1", kind: "Widget",
                                                                plural: "widgets", namespaced: true), namespace: "bench"))
            informer.addHandler(InformerHandler(onUpdate: { _, _ in handler() }))
            task = Task { await informer.run() }
            await informer.waitForSync()
            cached = { informer.store.count }
            stats = { informer.stats }
        } else {
            let informer = Informer(client.resource(BenchConfigMap.self, namespace: "bench"))
            informer.addHandler(InformerHandler(onUpdate: { _, _ in handler() }))
            task = Task { await informer.run() }
            await informer.waitForSync()
            cached = { informer.store.count }
            stats = { informer.stats }
        }
        let syncSeconds = (ContinuousClock.now - syncStart).seconds
        let rssAfter = ProcessStats.trimmedRSSMB()
        guard cached() == objects else { throw ValidationError("cache holds \(cached()) of \(objects)") }

        while server.api.store.openWatchCount == 0 { try await Task.sleep(for: .milliseconds(5)) }
        let burstStart = ContinuousClock.now
        // Several writers at once, so the server's write path is less of a ceiling than the
        // informer's watch → cache → handler path being measured.
        let writers = max(1, min(self.writers, updates))
        await withTaskGroup(of: Void.self) { group in
            for writer in 0..<writers {
                group.addTask {
                    for i in stride(from: writer, to: updates, by: writers) {
                        let patch = widgets ? #"{"spec":{"replicas":\#(100 + i % 50)}}"# : #"{"data":{"seen":"\#(i)"}}"#
                        _ = await call("PATCH", base + "/o-\(i % objects)", patch, type: "application/merge-patch+json")
                    }
                }
            }
        }
        let writeSeconds = (ContinuousClock.now - burstStart).seconds
        let deadline = ContinuousClock.now + .seconds(120)
        while updated.withLock({ $0 }) < updates, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(2))
        }
        let delivered = updated.withLock { $0 }
        let burstSeconds = ((lastUpdate.withLock { $0 } ?? ContinuousClock.now) - burstStart).seconds
        let rssEnd = APIServerBench.rssMB()
        task.cancel()
        await task.value
        client.shutdown()
        await server.stop()

        func round(_ value: Double, _ places: Double = 1000) -> JSON { .double((value * places).rounded() / places) }
        let report: JSON = [
            "scenario": "cache",
            "kind": .string(kind),
            "objects": .int(Int64(objects)),
            "createSeconds": round(createSeconds),
            "syncSeconds": round(syncSeconds),
            "listPages": .int(Int64(stats().listPages)),
            "rssBeforeInformerMB": .double(rssBefore),
            "rssAfterSyncMB": .double(rssAfter),
            "informerRSSMB": round(rssAfter - rssBefore, 10),
            "updates": .int(Int64(updates)),
            "updatesDelivered": .int(Int64(delivered)),
            "burstWriters": .int(Int64(writers)),
            "burstWriteSeconds": round(writeSeconds),
            "burstDeliveredSeconds": round(burstSeconds),
            "eventsPerSecond": .double(burstSeconds > 0 ? (Double(delivered) / burstSeconds).rounded() : 0),
            "rssEndMB": .double(rssEnd),
        ]
        print(report.prettyString())
    }
}

