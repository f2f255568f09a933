import Foundation
import Synchronization
import KubeClient
import KubeCore
import KubeTestServer
import Testing
import TestSupport

@Suite("KubeClient auth paths and faults")
struct ClientResilienceTests {
    @Test("token, client certificate, service-account token; a wrong token is 401 Unauthorized")
    func authPaths() async throws {
        let server = try await TestAPIServer.start()
        for identity in [TestAPIServer.Identity.admin, .adminToken, .serviceAccount(namespace: "default", name: "bot")] {
            let client = try server.client(identity: identity)
            #expect(try await client.serverVersion()["gitVersion"]?.stringValue?.hasPrefix("v1.") == true)
            _ = try await client.resource(ConfigMap.self, namespace: "default").list()
            client.shutdown()
        }
        let bad = try KubeClient(configuration: ClientConfiguration(
            server: server.url, tls: TLSOptions(caPEM: Array(server.ca.certificatePEM.utf8)), proxyURL: nil,
            namespace: "default", credentials: .token("wrong"), source: "test", context: nil))
        do {
            _ = try await bad.resource(ConfigMap.self, namespace: "default").list()
            Issue.record("wrong token accepted")
        } catch {
            #expect(error.code == 401 && error.reason == "Unauthorized")
        }
        bad.shutdown()
        await server.stop()
    }

    @Test("in-cluster layout in a temp dir: host/port env, token, CA and namespace files")
    func inCluster() async throws {
        let server = try await TestAPIServer.start()
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("sa-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        try Data(server.serviceAccountToken(namespace: "ops", name: "modelops").utf8).write(to: root.appendingPathComponent("token"))
        try Data(server.ca.certificatePEM.utf8).write(to: root.appendingPathComponent("ca.crt"))
        try Data("ops".utf8).write(to: root.appendingPathComponent("namespace"))
        let config = try ConfigLoader.inCluster(environment: ["KUBERNETES_SERVICE_HOST": "127.0.0.1", "KUBERNETES_SERVICE_PORT": String(server.port)],
                                                root: root.path)
        #expect(config.namespace == "ops")
        let client = try KubeClient(configuration: config)
        _ = try await client.resource(ConfigMap.self, namespace: "ops").list()
        client.shutdown()
        await server.stop()
    }

    @Test("429 with Retry-After is waited out and retried, for every verb")
    func tooManyRequests() async throws {
        let server = try await TestAPIServer.start()
        let sleeper = RecordingSleeper()
        var options = KubeClient.Options()
        options.time = sleeper.time
        let client = try server.client(options: options)
        server.api.faults.failNext(2, verb: "create", resource: "configmaps", status: 429, retryAfterSeconds: 3)
        _ = try await client.resource(ConfigMap.self, namespace: "default").create(ConfigMap(name: "r"))
        #expect(sleeper.recorded == [.seconds(3), .seconds(3)])
        client.shutdown()
        await server.stop()
    }

    @Test("5xx: GET is retried with backoff, POST is not")
    func serverErrors() async throws {
        let server = try await TestAPIServer.start()
        let sleeper = RecordingSleeper()
        var options = KubeClient.Options()
        options.time = sleeper.time
        options.random = { 0.5 }
        let client = try server.client(options: options)
        let cms = client.resource(ConfigMap.self, namespace: "default")
        server.api.faults.failNext(2, verb: "list", resource: "configmaps", status: 500)
        _ = try await cms.list()
        #expect(sleeper.recorded == [.milliseconds(50), .milliseconds(100)])
        server.api.faults.failNext(1, verb: "create", resource: "configmaps", status: 500)
        server.api.counter.reset()
        do {
            _ = try await cms.create(ConfigMap(name: "once"))
            Issue.record("POST was retried into success")
        } catch {
            #expect(error.code == 500 && error.reason == "InternalError")
        }
        #expect(server.api.counter.snapshot["create configmaps"] == 1)
        client.shutdown()
        await server.stop()
    }

    @Test("a stalled watch hits the idle timeout; dropped watches end the stream; cancellation aborts promptly")
    func streams() async throws {
        let server = try await TestAPIServer.start()
        var options = KubeClient.Options()
        options.watchIdleTimeout = .milliseconds(700)
        let client = try server.client(options: options)
        let cms = client.resource(ConfigMap.self, namespace: "default")
        let rv = try await cms.list().resourceVersion
        var quiet = ListOptions(resourceVersion: rv, timeoutSeconds: 60)
        quiet.allowWatchBookmarks = false
        let started = ContinuousClock.now
        do {
            for try await _ in cms.watch(quiet) {}
            Issue.record("silent watch did not time out")
        } catch let error as KubeError {
            guard case .transport(.idleTimeout) = error else { Issue.record("unexpected \(error)"); return }
        }
        #expect(ContinuousClock.now - started < .seconds(10))

        // A client with the default idle timeout, so only the server's drop can end this watch.
        let patient = try server.client()
        let patientConfigMaps = patient.resource(ConfigMap.self, namespace: "default")
        let ended = Mutex(false)
        let dropped = Task {
            for try await _ in patientConfigMaps.watch(ListOptions(resourceVersion: rv, timeoutSeconds: 60)) {}
            ended.withLock { $0 = true }
        }
        // The server ends every open watch; the client's stream must finish without an error.
        try await eventually("stream ended by the server dropping watches") {
            server.api.store.dropAllWatches()
            return ended.withLock { $0 }
        }
        try await dropped.value
        patient.shutdown()
        server.api.faults.latency = .seconds(5)
        let listsBefore = server.api.counter.snapshot["list configmaps"] ?? 0
        let slow = Task { try await cms.list() }
        try await eventually("list in flight") { (server.api.counter.snapshot["list configmaps"] ?? 0) > listsBefore }
        let cancelAt = ContinuousClock.now
        slow.cancel()
        _ = await slow.result
        #expect(ContinuousClock.now - cancelAt < .seconds(2))
        server.api.faults.latency = nil
        client.shutdown()
        await server.stop()
    }
}
