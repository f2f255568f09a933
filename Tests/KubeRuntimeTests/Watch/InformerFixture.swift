import Foundation
import KubeClient
import KubeCore
@testable import KubeRuntime
import KubeTestServer
import KubeTestServerCore
import Synchronization
import Testing
import TestSupport

/// A ConfigMap as a typed kind for the informer tests.
struct WatchedConfigMap: KubeResource, Equatable {
    static let group = ""
    static let version = "v1"
    static let kind = "ConfigMap"
    static let plural = "configmaps"

    var apiVersion = "v1"
    var kind = "ConfigMap"
    var metadata: ObjectMeta
    var data: [String: String]?
}

/// Time for the informer's backoff: sleeps return at once (recording the delay and moving a
/// virtual clock), unless the test has closed the gate, which parks the informer mid-backoff
/// until the test opens it, so that it can change the server while the informer is away.
final class GatedTime: Sendable {
    private struct State {
        var now: Duration = .zero
        var delays: [Duration] = []
        var closed = false
        var parked: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())

    var time: TimeSource {
        TimeSource(now: { [self] in state.withLock { $0.now } }, sleep: { [self] delay in
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let park = state.withLock { state in
                    state.delays.append(delay)
                    state.now += delay
                    if state.closed { state.parked.append(continuation) }
                    return state.closed
                }
                if !park { continuation.resume() }
            }
        })
    }

    var delays: [Duration] { state.withLock { $0.delays } }
    var parkedCount: Int { state.withLock { $0.parked.count } }

    func advance(by duration: Duration) { state.withLock { $0.now += duration } }
    func close() { state.withLock { $0.closed = true } }

    func open() {
        let parked = state.withLock { state in
            state.closed = false
            defer { state.parked = [] }
            return state.parked
        }
        for continuation in parked { continuation.resume() }
    }
}

/// Records every handler call and checks them against a model: an add only for an object the
/// model lacks, an update or delete only for one it has, resourceVersions never going back.
/// Replaying the events into the model must give exactly the server's objects: nothing lost,
/// nothing reordered.
final class InformerEventLog: Sendable {
    struct Entry: Sendable, Equatable, CustomStringConvertible {
        var type: String
        var ref: ObjectRef
        var resourceVersion: Int
        var description: String { "\(type) \(ref)@\(resourceVersion)" }
    }

    private struct State {
        var entries: [Entry] = []
        var model: [ObjectRef: Int] = [:]
        var violations: [String] = []
    }

    private let state = Mutex(State())

    func handler<Object>(_ access: ObjectAccess<Object>) -> InformerHandler<Object> {
        InformerHandler { [self] event in
            let type: String
            switch event {
            case .added: type = "add"
            case .updated: type = "update"
            case .deleted: type = "delete"
            }
            record(type, access.ref(event.object), Int(access.resourceVersion(event.object)) ?? -1)
        }
    }

    func record(_ type: String, _ ref: ObjectRef, _ rv: Int) {
        state.withLock { state in
            state.entries.append(Entry(type: type, ref: ref, resourceVersion: rv))
            let previous = state.model[ref]
            switch type {
            case "add":
                if let previous { state.violations.append("add of \(ref)@\(rv) already at \(previous)") }
                state.model[ref] = rv
            case "update":
                if let previous, previous >= rv { state.violations.append("update of \(ref) from \(previous) to \(rv)") }
                if previous == nil { state.violations.append("update of unknown \(ref)@\(rv)") }
                state.model[ref] = rv
            default:
                if let previous, previous > rv { state.violations.append("delete of \(ref)@\(rv) after \(previous)") }
                if previous == nil { state.violations.append("delete of unknown \(ref)@\(rv)") }
                state.model[ref] = nil
            }
        }
    }

    var entries: [Entry] { state.withLock { $0.entries } }
    var model: [ObjectRef: Int] { state.withLock { $0.model } }
    var violations: [String] { state.withLock { $0.violations } }
    var count: Int { state.withLock { $0.entries.count } }

    func entries(since index: Int) -> [Entry] { state.withLock { Array($0.entries.dropFirst(index)) } }
}

/// The API test server (simulator off) with in-process writes and reads as the admin, and
/// informer clients over HTTPS.
struct InformerFixture {
    let server: TestAPIServer
    static let admin = UserInfo(name: "kubernetes-admin", groups: ["system:masters"])

    static func start() async throws -> InformerFixture {
        var options = TestAPIServer.Options()
        options.simulator = nil
        options.gatewayAPI = false
        let fixture = InformerFixture(server: try await TestAPIServer.start(options))
        for namespace in ["alpha", "beta"] {
            _ = await fixture.call("POST", "/api/v1/namespaces", #"{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"\#(namespace)"}}"#)
        }
        return fixture
    }

    func stop() async { await server.stop() }

    /// A client over HTTPS. Its own retries are off so that the informer's recovery is what
    /// the tests exercise.
    func client(retries: Bool = false, configure: (inout KubeClient.Options) -> Void = { _ in }) throws -> KubeClient {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("informer-\(UUID().uuidString)")
        let path = dir.appendingPathComponent("config").path
        try server.writeKubeconfig(to: path, for: .adminToken)
        defer { try? FileManager.default.removeItem(at: dir) }
        var options = KubeClient.Options()
        if !retries { options.retry = .none }
        options.qps = 0
        configure(&options)
        return try KubeClient(configuration: ConfigLoader.load(kubeconfig: path, environment: [:]), options: options)
    }

    @discardableResult
    func call(_ method: String, _ path: String, _ body: String = "", contentType: String = "application/json") async -> APIResponse {
        let (bare, query) = APIRequest.splitTarget(path)
        return await server.api.handle(APIRequest(method: method, path: bare, query: query, headers: ["content-type": contentType],
                                                  body: Array(body.utf8), user: Self.admin))
    }

    func create(_ namespace: String, _ name: String, labels: [String: String] = [:], value: String = "0") async throws {
        let labelJSON = JSON.object(labels.mapValues { .string($0) }).serializedString()
        let response = await call("POST", "/api/v1/namespaces/\(namespace)/configmaps?fieldManager=test",
                                  #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"\#(name)","labels":\#(labelJSON)},"data":{"value":"\#(value)"}}"#)
        try expectOK(response, "create \(namespace)/\(name)")
    }

    func update(_ namespace: String, _ name: String, value: String) async throws {
        let response = await call("PATCH", "/api/v1/namespaces/\(namespace)/configmaps/\(name)",
                                  #"{"data":{"value":"\#(value)"}}"#, contentType: "application/merge-patch+json")
        try expectOK(response, "update \(namespace)/\(name)")
    }

    func delete(_ namespace: String, _ name: String) async throws {
        try expectOK(await call("DELETE", "/api/v1/namespaces/\(namespace)/configmaps/\(name)"), "delete \(namespace)/\(name)")
    }

    private func expectOK(_ response: APIResponse, _ what: String) throws {
        guard (200..<300).contains(response.status) else {
            throw FixtureError(what: "\(what): \(response.status)")
        }
    }

    /// The server's ConfigMaps (of one namespace or all, optionally by label selector) as
    /// ref → resourceVersion.
    func serverState(namespace: String? = nil, labelSelector: String? = nil) async throws -> [ObjectRef: Int] {
        var path = namespace.map { "/api/v1/namespaces/\($0)/configmaps" } ?? "/api/v1/configmaps"
        if let labelSelector { path += "?labelSelector=\(labelSelector)" }
        let (bare, query) = APIRequest.splitTarget(path)
        let response = await server.api.handle(APIRequest(method: "GET", path: bare, query: query, user: Self.admin))
        guard case let .full(_, _, body) = response, let list = try? JSON.parse(body) else {
            throw FixtureError(what: "list \(path)")
        }
        var state: [ObjectRef: Int] = [:]
        for item in list["items"]?.arrayValue ?? [] {
            let ref = ObjectRef(namespace: item[path: ["metadata", "namespace"]]?.stringValue,
                                name: item[path: ["metadata", "name"]]?.stringValue ?? "")
            state[ref] = Int(item[path: ["metadata", "resourceVersion"]]?.stringValue ?? "") ?? -1
        }
        return state
    }
}

struct FixtureError: Error, CustomStringConvertible {
    var what: String
    var description: String { "fixture: \(what)" }
}

extension Informer {
    /// The cache as ref → resourceVersion.
    var cacheState: [ObjectRef: Int] {
        let access = store.access
        var state: [ObjectRef: Int] = [:]
        for object in store.list() { state[access.ref(object)] = Int(access.resourceVersion(object)) ?? -1 }
        return state
    }
}

/// Waits until the cache and the handlers' model both equal the server's objects.
func expectConverged<Object>(_ informer: Informer<Object>, _ recorder: InformerEventLog, _ fixture: InformerFixture,
                             namespace: String? = nil, labelSelector: String? = nil,
                             timeout: Duration = .seconds(15)) async throws {
    var last: [ObjectRef: Int] = [:]
    do {
        try await eventually(timeout: timeout, "informer converged") {
            last = try await fixture.serverState(namespace: namespace, labelSelector: labelSelector)
            return informer.cacheState == last && recorder.model == last
        }
    } catch {
        let cache = informer.cacheState
        Issue.record("not converged: server \(last.count), cache \(cache.count), model \(recorder.model.count); stats \(informer.stats)")
        throw error
    }
    #expect(recorder.violations.isEmpty, "\(recorder.violations.prefix(5))")
}
