import KubeCore
import KubeTestServerCore
import Testing

/// An API server with a running simulator, and the requests a test makes against it.
struct SimulatorHarness {
    let api: APIServer
    let simulator: WorkloadSimulator
    static let admin = UserInfo(name: "test-admin", groups: ["system:masters", "system:authenticated"])

    init(_ configure: (inout WorkloadSimulator.Options) -> Void = { _ in }) {
        api = APIServer()
        var options = WorkloadSimulator.Options()
        configure(&options)
        simulator = WorkloadSimulator(api: api, options: options)
        simulator.start()
    }

    func shutdown() {
        simulator.stop()
        api.shutdown()
    }

    @discardableResult
    func request(_ method: String, _ target: String, _ body: JSON? = nil,
                 contentType: String = "application/json") async -> (status: Int, body: JSON) {
        let (path, query) = APIRequest.splitTarget(target)
        var headers = ["user-agent": "simulator-tests/1.0"]
        if body != nil { headers["content-type"] = contentType }
        let response = await api.handle(APIRequest(method: method, path: path, query: query, headers: headers,
                                                   body: body?.serialized() ?? [], user: Self.admin))
        return (response.status, (try? JSON.parse(response.body)) ?? .null)
    }

    /// Creates and expects 201.
    @discardableResult
    func create(_ collection: String, _ object: JSON) async -> JSON {
        let (status, body) = await request("POST", collection, object)
        #expect(status == 201, "create in \(collection): \(body)")
        return body
    }

    func get(_ path: String) async -> JSON? {
        let (status, body) = await request("GET", path)
        // Not `status == 200 ? body : nil`: JSON is ExpressibleByNilLiteral, so that is JSON.null.
        guard status == 200 else { return nil }
        return body
    }

    /// Polls `path` until `predicate` holds, for at most `timeout`; nil when it never did.
    func waitFor(_ path: String, timeout: Duration = .seconds(60), _ predicate: (JSON) -> Bool) async -> JSON? {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while clock.now < deadline {
            if let object = await get(path), predicate(object) { return object }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return nil
    }

    // MARK: - Fixtures

    static func deployment(_ name: String, replicas: Int64 = 1, annotations: [String: JSON] = [:], image: String = "registry.example/model:1",
                           extraSpec: [String: JSON] = [:]) -> JSON {
        var template: JSON = ["metadata": ["labels": ["app": .string(name)]],
                              "spec": ["containers": [["name": "model", "image": .string(image)]]]]
        if !annotations.isEmpty { template[path: ["metadata", "annotations"]] = .object(annotations) }
        var spec: JSON = ["replicas": .int(replicas), "selector": ["matchLabels": ["app": .string(name)]], "template": template]
        for (k, v) in extraSpec { spec[k] = v }
        return ["apiVersion": "apps/v1", "kind": "Deployment", "metadata": ["name": .string(name)], "spec": spec]
    }

    static func job(_ name: String, annotations: [String: JSON] = [:], restartPolicy: String = "Never",
                    extraSpec: [String: JSON] = [:], resources: JSON? = nil) -> JSON {
        var container: JSON = ["name": "trainer", "image": "registry.example/train:1"]
        if let resources { container["resources"] = resources }
        var template: JSON = ["spec": ["restartPolicy": .string(restartPolicy), "containers": [container]]]
        if !annotations.isEmpty { template[path: ["metadata", "annotations"]] = .object(annotations) }
        var spec: JSON = ["template": template]
        for (k, v) in extraSpec { spec[k] = v }
        return ["apiVersion": "batch/v1", "kind": "Job", "metadata": ["name": .string(name)], "spec": spec]
    }

    static let deployments = "/apis/apps/v1/namespaces/default/deployments"
    static let jobs = "/apis/batch/v1/namespaces/default/jobs"
    static let pods = "/api/v1/namespaces/default/pods"

    /// The Job's pods, oldest first.
    func pods(ofJob name: String) async -> [JSON] {
        let list = await get("\(Self.pods)?labelSelector=batch.kubernetes.io/job-name=\(name)")
        return (list?["items"]?.arrayValue ?? []).sorted {
            ($0[path: ["metadata", "creationTimestamp"]]?.stringValue ?? "", Int($0[path: ["metadata", "resourceVersion"]]?.stringValue ?? "") ?? 0)
                < ($1[path: ["metadata", "creationTimestamp"]]?.stringValue ?? "", Int($1[path: ["metadata", "resourceVersion"]]?.stringValue ?? "") ?? 0)
        }
    }
}

/// The condition of `type` in an object's status.
func condition(_ object: JSON?, _ type: String) -> JSON? {
    object?[path: ["status", "conditions"]]?.arrayValue?.first { $0["type"]?.stringValue == type }
}

func conditionIs(_ object: JSON?, _ type: String, _ status: String) -> Bool {
    condition(object, type)?["status"]?.stringValue == status
}
