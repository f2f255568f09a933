import KubeCore
import KubeTestServerCore
import Testing

/// Small answers of the real v1.36 server the test server reproduces: list metadata of custom
/// resources (048, 093), a cause reported twice (065), the core kind in events.k8s.io validation
/// errors (081). Each test builds its state with the recorded requests (011 namespace, 012 CRD).
@Suite struct WriteAndListGoldenTests {
    private let gizmos = "/apis/golden.example.com/v1/namespaces/golden/gizmos"

    @Test("048: a custom resource list carries continue \"\" on its last page; a built-in list omits it (054, 118)")
    func listContinue() async throws {
        let session = await ReplaySession.after([11, 12, 17])
        defer { session.api.shutdown() }
        let list = await session.send("GET", gizmos).1
        #expect(list["metadata"] == ["continue": "", "resourceVersion": list[path: ["metadata", "resourceVersion"]] ?? .null])
        let configMaps = await session.send("GET", "/api/v1/namespaces/golden/configmaps").1
        #expect(configMaps["metadata"]?.objectValue?.keys.sorted() == ["resourceVersion"])
        // A page that is not the last carries its token either way.
        try await session.write("POST", gizmos, ["apiVersion": "golden.example.com/v1", "kind": "Gizmo",
                                                 "metadata": ["name": "beta"], "spec": ["replicas": 1]])
        let page = await session.send("GET", gizmos, query: ["limit": "1"]).1
        #expect(page[path: ["metadata", "continue"]]?.stringValue?.isEmpty == false)
        #expect(page[path: ["metadata", "remainingItemCount"]] == 1)
    }

    @Test("065: a finalizer added during deletion is one error in the message and two causes")
    func finalizerDuringDeletion() async {
        let session = await ReplaySession.after([11, 12, 63, 64])
        defer { session.api.shutdown() }
        let (status, body) = await session.sendRecorded(65)
        guard case let .json(recorded) = GoldenExchange.numbered(65).answer else { return }
        #expect(status == 422)
        #expect(body["message"] == recorded["message"])
        #expect(body[path: ["details", "causes"]] == recorded[path: ["details", "causes"]])
        #expect(body[path: ["details", "causes"]]?.arrayValue?.count == 2)
    }

    @Test("081: an invalid events.k8s.io Event is refused naming the core kind, without a group")
    func invalidEventNamesCoreKind() async {
        let session = await ReplaySession.after([11, 12])
        defer { session.api.shutdown() }
        let (status, body) = await session.sendRecorded(81)
        guard case let .json(recorded) = GoldenExchange.numbered(81).answer else { return }
        #expect(status == 422)
        #expect(body["message"] == recorded["message"])
        #expect(body["details"] == recorded["details"])
    }
}

/// Label values as apimachinery's `IsValidLabelValue` judges them: one error per broken rule, the
/// length (63) apart from the pattern. No recorded exchange pins these messages; the length
/// message is `validation.MaxLenError(63)`'s.
@Suite struct LabelValueValidationTests {
    func create(labels: [String: String]) async -> (Int, JSON) {
        let session = await ReplaySession.after([11])
        defer { session.api.shutdown() }
        return await session.send("POST", "/api/v1/namespaces/golden/configmaps", [
            "apiVersion": "v1", "kind": "ConfigMap",
            "metadata": ["name": "labelled", "labels": .object(labels.mapValues { .string($0) })],
        ])
    }

    @Test("a 64-character value is refused for its length only; 63 characters are accepted")
    func length() async {
        let (status, body) = await create(labels: ["modelops.io/retrain-policy": String(repeating: "a", count: 64)])
        #expect(status == 422)
        #expect(body["message"]?.stringValue?.hasSuffix("metadata.labels: Invalid value: \"\(String(repeating: "a", count: 64))\": must be no more than 63 characters") == true,
                "\(body)")
        #expect(await create(labels: ["modelops.io/retrain-policy": String(repeating: "a", count: 63)]).0 == 201)
    }

    @Test("a value that breaks the pattern gets the pattern's message")
    func pattern() async {
        let (status, body) = await create(labels: ["team": "-risk"])
        #expect(status == 422)
        #expect(body["message"]?.stringValue?.contains("a valid label must be an empty string or consist of alphanumeric characters") == true,
                "\(body)")
    }
}
