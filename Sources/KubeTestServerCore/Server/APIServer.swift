import Foundation
import KubeCore
import Synchronization

/// The API server's semantics: routing, verbs, admission, storage and watches, behind a
/// transport-independent `handle(_:)`. `KubeTestServer` puts HTTPS in front of it; tests of
/// pure semantics can call it directly.
public final class APIServer: Sendable {
    public struct Configuration: Sendable {
        /// When on, identities outside `system:masters` are authorised against stored RBAC objects.
        public var rbac: Bool = false
        /// How many events per resource watches can replay before a resourceVersion is "too old".
        public var watchHistory: Int = 1000
        /// How often open watches that asked for bookmarks get one.
        public var bookmarkInterval: Duration = .seconds(5)
        /// Largest accepted request body (the real server: 3 MiB).
        public var maxBodyBytes: Int = 3 * 1024 * 1024
        /// The server's wall clock (creationTimestamp, managedFields times, events).
        public var now: @Sendable () -> Date = { Date() }
        /// The Kubernetes release this server answers as (`/version`; golden 001 is v1.36). kubectl
        /// uses it only in `kubectl version`, to warn when its own minor version is more than one away.
        public var gitVersion: String = "v1.36.0"
        /// Builds schema processing for CRD versions (pruning, defaulting, validation, CEL).
        public var processorFactory: CustomResourceDefinitions.ProcessorFactory = { CustomResourceProcessor.make(openAPIV3Schema: $0) }
        /// The YAML of the Gateway API CRDs a front end installs at start (`TestAPIServer` when its
        /// `gatewayAPI` option is on): the built-in trimmed HTTPRoute unless a test passes the
        /// real ones (``GatewayAPI/fileNames(_:)`` in ../shared/gateway-api).
        public var gatewayAPICRDs: [String] = [GatewayAPI.httpRouteCRD]

        public init() {}
    }

    public let configuration: Configuration
    public let store: ObjectStore
    public let faults = FaultInjector()
    public let counter = RequestCounter()
    /// Service-account tokens issued through the TokenRequest API.
    let tokens = ServiceAccountTokens()
    /// Tokens the front end hands out itself (admin, test service accounts), as a static token
    /// file would: they authenticate requests and TokenReviews alike.
    let staticTokens = Mutex<[String: UserInfo]>([:])
    let registryState: Mutex<ResourceRegistry>
    let gcWakeup: GarbageCollector

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        self.store = ObjectStore(historyLimit: configuration.watchHistory)
        self.registryState = Mutex(ResourceRegistry(BuiltinResources.all))
        self.gcWakeup = GarbageCollector()
        for name in ["default", "kube-system", "kube-public", "kube-node-lease"] {
            store.withState { state in
                _ = state.put("namespaces", ObjectKey(namespace: "", name: name), [
                    "apiVersion": "v1", "kind": "Namespace",
                    "metadata": ["name": .string(name), "uid": .string(UUID().uuidString.lowercased()),
                                 "creationTimestamp": .string(Timestamp.seconds(configuration.now())),
                                 "labels": ["kubernetes.io/metadata.name": .string(name)]],
                    "spec": ["finalizers": ["kubernetes"]],
                    "status": ["phase": "Active"],
                ])
            }
        }
        gcWakeup.start(server: self)
    }

    public var registry: ResourceRegistry { registryState.withLock { $0 } }
    var processorFactory: CustomResourceDefinitions.ProcessorFactory { configuration.processorFactory }

    /// Stops background work (garbage collector).
    public func shutdown() {
        gcWakeup.stop()
        store.dropAllWatches()
    }

    // MARK: - Entry point

    public func handle(_ request: APIRequest) async -> APIResponse {
        let route = Route(request: request, registry: registry)
        counter.count(verb: route.verb, resource: route.resourceName,
                      client: request.user.name == FaultInjector.builtInControllers ? nil : client(request))
        // Faults are aimed at the clients under test. The simulator's built-in controllers would
        // retry through any fault in a real cluster and end where they would have without it, so
        // they are spared rather than taught every retry their real counterparts have.
        if request.user.name != FaultInjector.builtInControllers {
            if let delay = faults.latency, delay > .zero {
                try? await Task.sleep(for: delay)
            }
            if let injected = faults.take(verb: route.verb, resource: route.resourceName) {
                return .error(injected)
            }
        }
        if request.body.count > configuration.maxBodyBytes {
            return .error(.requestEntityTooLarge(limit: configuration.maxBodyBytes))
        }
        do {
            return try await dispatch(request, route: route)
        } catch let error as APIError {
            return .error(error)
        } catch {
            return .error(.internalError(String(describing: error)))
        }
    }

    private func dispatch(_ request: APIRequest, route: Route) async throws -> APIResponse {
        switch route.target {
        case .version:
            // The emulation and min-compatibility versions (compatibility versions, KEP-4330) as a
            // server that emulates its own release reports them (golden 001).
            return .json(200, [
                "major": "1", "minor": .string(minorVersion),
                "emulationMajor": "1", "emulationMinor": .string(minorVersion),
                "minCompatibilityMajor": "1", "minCompatibilityMinor": .string(String((Int(minorVersion) ?? 36) - 1)),
                "gitVersion": .string(configuration.gitVersion),
                "gitCommit": "modelops-test-server", "gitTreeState": "clean", "buildDate": "2026-01-01T00:00:00Z",
                "goVersion": "go1.25.0", "compiler": "gc", "platform": "linux/amd64",
            ])
        case .health:
            return .full(status: 200, headers: [("Content-Type", "text/plain; charset=utf-8")], body: Array("ok".utf8))
        case let .discovery(path):
            return try discovery(path: path, request: request)
        case let .openAPI(path):
            return try openAPI(path: path)
        case .unknown:
            return .error(.notFoundPath())
        case let .resource(target):
            if configuration.rbac, !request.user.isMaster {
                try authorize(request.user, route: route, target: target)
            }
            return try await handleResource(request, target: target, verb: route.verb)
        }
    }

    private var minorVersion: String {
        let parts = configuration.gitVersion.dropFirst().split(separator: ".")
        return parts.count > 1 ? String(parts[1]) : "36"
    }

    // MARK: - Resource verbs

    func handleResource(_ request: APIRequest, target: ResourceTarget, verb: String) async throws -> APIResponse {
        let resource = target.resource
        if BuiltinResources.virtualKinds.contains(resource.kind) {
            guard request.method == "POST" else { throw APIError.methodNotAllowed(request.method) }
            return try review(request, resource: resource)
        }
        if target.subresource == "token", resource.kind == "ServiceAccount", let name = target.name {
            guard request.method == "POST" else { throw APIError.methodNotAllowed(request.method) }
            return try createToken(request, target: target, name: name)
        }
        if let sub = target.subresource, sub != "status", !(sub == "scale" && resource.scale != nil),
           !(sub == "finalize" && resource.kind == "Namespace"), !(sub == "binding" && resource.group.isEmpty && resource.kind == "Pod") {
            throw APIError.notFoundPath()
        }
        if target.subresource == "status", !resource.hasStatus { throw APIError.notFoundPath() }
        if target.subresource == "binding", let name = target.name {
            guard request.method == "POST" else { throw APIError.methodNotAllowed(request.method) }
            return try bind(request, target: target, name: name)
        }
        switch (request.method, target.name) {
        case ("GET", nil):
            let options = try ListQuery(request)
            if options.watch { return try watch(request, target: target, options: options) }
            return try await list(request, target: target)
        case ("GET", let name?):
            return try get(request, target: target, name: name)
        case ("POST", nil):
            return try create(request, target: target)
        case ("PUT", let name?) where target.subresource == "scale", ("PATCH", let name?) where target.subresource == "scale":
            return try updateScale(request, target: target, name: name)
        case ("PUT", let name?):
            return try update(request, target: target, name: name)
        case ("PATCH", let name?):
            return try patch(request, target: target, name: name)
        case ("DELETE", let name?):
            return try delete(request, target: target, name: name)
        case ("DELETE", nil):
            return try deleteCollection(request, target: target)
        default:
            throw APIError.methodNotAllowed(request.method)
        }
    }

    func isTrue(_ value: String?) -> Bool {
        guard let value else { return false }
        return value == "1" || value.lowercased() == "true"
    }

    /// The field manager of a write: `fieldManager`, else the User-Agent up to its first `/`.
    func manager(_ request: APIRequest) -> String {
        if let m = request.query["fieldManager"], !m.isEmpty { return m }
        return client(request)
    }

    /// The client a request came from: its User-Agent up to the first `/` (`modelops`, `kubectl`).
    func client(_ request: APIRequest) -> String {
        String((request.headers["user-agent"] ?? "unknown").split(separator: "/", maxSplits: 1).first ?? "unknown")
    }

    func now() -> String { Timestamp.seconds(configuration.now()) }
}
