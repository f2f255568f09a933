import Foundation
import KubeCore
import KubeProtobuf
import KubeTestServerCore
import Testing

/// kubectl's protobuf creates (golden 133-138) through APIServer.handle: the same bytes create the
/// same object a real v1.36 server stored, answered in JSON.
@Suite("Protobuf bodies: creates as kubectl sends them")
struct ProtobufCreateTests {
    static let admin = UserInfo(name: "kubernetes-admin", groups: ["system:masters", "system:authenticated"])

    /// A server with the recording's namespace, and a request straight into it.
    struct Server {
        let api = APIServer()

        init() async {
            _ = await send(APIRequest(method: "POST", path: "/api/v1/namespaces", headers: ["content-type": "application/json"],
                                      body: Array(#"{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"golden2-proto"}}"#.utf8),
                                      user: ProtobufCreateTests.admin))
        }

        func send(_ request: APIRequest) async -> (status: Int, contentType: String?, body: JSON) {
            guard case let .full(status, headers, body) = await api.handle(request) else { return (0, nil, .null) }
            return (status, headers.first { $0.0.lowercased() == "content-type" }?.1, (try? JSON.parse(body)) ?? .null)
        }

        /// The recorded request (kubectl's headers and bytes), or a variation of it.
        func replay(_ golden: GoldenExchange, method: String? = nil, path: String? = nil,
                    body: [UInt8]? = nil) async -> (status: Int, contentType: String?, body: JSON) {
            await send(APIRequest(method: method ?? golden.method, path: path ?? golden.path, query: golden.params,
                                  headers: golden.headers, body: body ?? golden.requestBytes, user: ProtobufCreateTests.admin))
        }
    }

    /// The stored object without what differs between any two servers (uid, resourceVersion,
    /// times) and without what the deployment controller wrote after the create (status, the
    /// revision annotation, its managedFields entry).
    static func stable(_ object: JSON) -> JSON {
        var object = object
        for field in ["uid", "resourceVersion", "creationTimestamp"] {
            #expect(object[path: ["metadata", field]]?.stringValue?.isEmpty == false, "metadata.\(field) is set")
            object[path: ["metadata", field]] = nil
        }
        let entries = (object[path: ["metadata", "managedFields"]]?.arrayValue ?? [])
            .filter { $0["manager"]?.stringValue != "kube-controller-manager" }
            .map { entry -> JSON in
                var entry = entry
                #expect(entry["time"]?.stringValue?.hasSuffix("Z") == true)
                entry["time"] = nil
                return entry
            }
        object[path: ["metadata", "managedFields"]] = .array(entries)
        if object["kind"]?.stringValue == "Deployment" {
            object["status"] = nil
            object[path: ["metadata", "annotations"]] = nil
        }
        return object
    }

    @Test("golden 133-137: kubectl's protobuf create is 201 with the object the real server stored, in JSON",
          arguments: GoldenExchange.kubectlProtobufCreates)
    func kubectlCreate(number: Int) async throws {
        let golden = try GoldenExchange(number)
        let server = await Server()
        defer { server.api.shutdown() }
        let response = await server.replay(golden)
        #expect(response.status == golden.status)
        // kubectl accepts protobuf first, then JSON; the test server answers JSON, as for custom resources (139).
        #expect(response.contentType == "application/json")
        guard case let .protobuf(_, stored) = golden.answer else { Issue.record("\(golden.name) has no protobuf answer"); return }
        #expect(Self.stable(response.body) == Self.stable(stored), "\(golden.name): \(response.body.serializedString())")
    }

    @Test("golden 138: the same ConfigMap bytes with Accept: application/json are answered 201 in JSON")
    func jsonAnswer() async throws {
        let golden = try GoldenExchange(138)
        let server = await Server()
        defer { server.api.shutdown() }
        let response = await server.replay(golden)
        #expect(response.status == 201)
        #expect(response.contentType == golden.responseHeaders["content-type"])
        #expect(Self.stable(response.body) == Self.stable(golden.responseBody))
    }

    @Test("a PUT with a protobuf body updates like a JSON PUT")
    func protobufUpdate() async throws {
        let golden = try GoldenExchange(134)
        let server = await Server()
        defer { server.api.shutdown() }
        #expect(await server.replay(golden).status == 201)
        let envelope = try KubeProtobuf.ProtobufEnvelope(decoding: golden.requestBytes)
        // The same ConfigMap with data a=c: kubectl's bytes with the value byte changed.
        var raw = envelope.raw
        let value = try #require(raw.lastIndex(of: UInt8(ascii: "b")))
        raw[value] = UInt8(ascii: "c")
        let body = Self.envelope(apiVersion: "v1", kind: "ConfigMap", raw: raw)
        let updated = await server.replay(golden, method: "PUT", path: golden.path + "/pcm", body: body)
        #expect(updated.status == 200)
        #expect(updated.body[path: ["data", "a"]] == "c")
        #expect(updated.body[path: ["metadata", "managedFields"]]?.arrayValue?.compactMap { $0["manager"]?.stringValue } == ["kubectl-create"])
    }

    /// `k8s\0` + runtime.Unknown{typeMeta{apiVersion, kind}, raw}, encoded by hand for tests of the
    /// server's answers to envelopes kubectl never sends.
    static func envelope(apiVersion: String, kind: String, raw: [UInt8]) -> [UInt8] {
        func field(_ number: UInt8, _ bytes: [UInt8]) -> [UInt8] { [number << 3 | 2] + varint(bytes.count) + bytes }
        func varint(_ value: Int) -> [UInt8] {
            var value = value, out: [UInt8] = []
            repeat {
                out.append(UInt8(value & 0x7f) | (value > 0x7f ? 0x80 : 0))
                value >>= 7
            } while value > 0
            return out
        }
        let typeMeta = field(1, Array(apiVersion.utf8)) + field(2, Array(kind.utf8))
        return KubeProtobuf.ProtobufEnvelope.magic + field(1, typeMeta) + field(2, raw)
    }

    @Test("bodies the protobuf serializer rejects are 400 in its words; kinds without compiled messages are 415")
    func refusals() async throws {
        let golden = try GoldenExchange(134)
        let server = await Server()
        defer { server.api.shutdown() }

        let notProtobuf = await server.replay(golden, body: Array(#"{"kind":"ConfigMap"}"#.utf8))
        #expect(notProtobuf.status == 400)
        #expect(notProtobuf.body["reason"] == "BadRequest")
        #expect(notProtobuf.body["message"] == #"the object provided is unrecognized (must be of type ConfigMap): provided data does not appear to be a protobuf message, expected prefix [107 56 115 0] ({"kind":"ConfigMap"})"#)

        let truncated = await server.replay(golden, body: Array(golden.requestBytes.dropLast(5)))
        #expect(truncated.status == 400)
        #expect(truncated.body["message"]?.stringValue?.hasPrefix("the object provided is unrecognized (must be of type ConfigMap): unexpected EOF (6b3873000a0f") == true)

        let badObject = await server.replay(golden, body: Self.envelope(apiVersion: "v1", kind: "ConfigMap", raw: [0x0a, 0x05, 0x0a]))
        #expect(badObject.status == 400)
        #expect(badObject.body["message"] == #"ConfigMap in version "v1" cannot be handled as a ConfigMap: unexpected EOF"#)

        // A Pod: kube-apiserver would read it; the test server has no Pod messages and says so.
        let pod = await server.send(APIRequest(method: "POST", path: "/api/v1/namespaces/golden2-proto/pods",
                                               headers: ["content-type": "application/vnd.kubernetes.protobuf"],
                                               body: Self.envelope(apiVersion: "v1", kind: "Pod", raw: []), user: Self.admin))
        #expect(pod.status == 415)
        #expect(pod.body["reason"] == "UnsupportedMediaType")
        #expect(pod.body["message"] == "the body of the request was in an unknown format - accepted media types include: application/json, application/yaml")

        // Patches are never protobuf: the patch types are listed (kubectl sends its patches as JSON).
        let patch = await server.replay(golden, method: "PATCH", path: golden.path + "/pcm")
        #expect(patch.status == 415)
        #expect(patch.body["message"]?.stringValue?.hasPrefix("the body of the request was in an unknown format - accepted media types include: application/json-patch+json") == true)
    }

    @Test("a custom resource in protobuf: the CRD lists the media type, but decoding into an unstructured object fails (400)")
    func customResource() async throws {
        let server = await Server()
        defer { server.api.shutdown() }
        #expect(await GoldenExchange.numbered(12).replay(on: server.api).status == 201, "the Gizmo CRD of golden 012")
        let gizmo = await server.send(APIRequest(method: "POST", path: "/apis/golden.example.com/v1/namespaces/golden/gizmos",
                                                 headers: ["content-type": "application/vnd.kubernetes.protobuf"],
                                                 body: Self.envelope(apiVersion: "golden.example.com/v1", kind: "Gizmo", raw: []),
                                                 user: Self.admin))
        #expect(gizmo.status == 400)
        #expect(gizmo.body["message"] == #"Gizmo in version "v1" cannot be handled as a Gizmo: Object 'Kind' is missing in 'object has no kind field '"#)
    }

    @Test("an envelope naming another kind is refused as the same JSON body would be")
    func mismatchedKind() async throws {
        let secret = try GoldenExchange(135)
        let server = await Server()
        defer { server.api.shutdown() }
        let json = await server.send(APIRequest(method: "POST", path: "/api/v1/namespaces/golden2-proto/configmaps",
                                                headers: ["content-type": "application/json"],
                                                body: try #require(secret.recorded[path: ["request", "json_view"]]).serialized(), user: Self.admin))
        let protobuf = await server.replay(secret, path: "/api/v1/namespaces/golden2-proto/configmaps")
        #expect(json.status == 400)
        #expect(protobuf.status == json.status)
        #expect(protobuf.body["message"] == json.body["message"])
    }
}
