import Foundation
import KubeClient
import KubeCore
import KubeTestServer
import Testing
import TestSupport
@testable import KubeRuntime

@Suite("Event recorder")
struct EventRecorderTests {
    static let coreEvents = ResourceInfo(group: "", version: "v1", kind: "Event", plural: "events", namespaced: true)
    static let configMaps = ResourceInfo(group: "", version: "v1", kind: "ConfigMap", plural: "configmaps", namespaced: true)

    /// A ConfigMap to be the `regarding` object (any kind would do).
    func makeObject(_ client: KubeClient, name: String = "model-a") async throws -> EventReference {
        let created = try await client.dynamic(Self.configMaps, namespace: "default").create(
            ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": .string(name), "namespace": "default"]])
        return try #require(EventReference(created))
    }

    /// The Events `kubectl describe` shows for the object: core/v1, by involvedObject.name.
    func describeEvents(_ client: KubeClient, name: String = "model-a") async throws -> [JSON] {
        try await client.dynamic(Self.coreEvents, namespace: "default")
            .list(ListOptions(fieldSelector: "involvedObject.name=\(name)")).items
    }

    func options(flushInterval: Duration = .seconds(60), time: TimeSource = .continuous) -> EventRecorderOptions {
        var options = EventRecorderOptions(reportingController: "modelops.io/modeldeployment-controller", reportingInstance: "mgr-1")
        options.flushInterval = flushInterval
        options.time = time
        return options
    }

    @Test("one event is visible through core/v1 as kubectl describe reads it")
    func oneEvent() async throws {
        let cluster = try await RuntimeTestServer.start()
        let client = try cluster.client()
        let object = try await makeObject(client)
        let recorder = EventRecorder(client: client, options: options())
        recorder.record(regarding: object, type: .normal, reason: "Progressing", action: "Reconcile",
                        note: "canary step 1 of 3: weight 10%")
        await recorder.flush()

        let events = try await describeEvents(client)
        try #require(events.count == 1)
        let event = events[0]
        #expect(event["reason"] == "Progressing")
        #expect(event["message"] == "canary step 1 of 3: weight 10%")
        #expect(event["type"] == "Normal")
        #expect(event["action"] == "Reconcile")
        #expect(event["reportingComponent"] == "modelops.io/modeldeployment-controller")
        #expect(event["reportingInstance"] == "mgr-1")
        #expect(event[path: ["involvedObject", "kind"]] == "ConfigMap")
        #expect(event[path: ["involvedObject", "uid"]]?.stringValue == object.uid)
        #expect(event[path: ["involvedObject", "namespace"]] == "default")
        #expect(event["series"] == nil)
        let micro = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z/
        #expect(event["eventTime"]?.stringValue?.wholeMatch(of: micro) != nil)
        #expect(event[path: ["metadata", "name"]]?.stringValue?.hasPrefix("model-a.") == true)
        await recorder.shutdown()
        await cluster.stop()
    }

    @Test("100 identical warnings in a tight loop make one Event with series.count 100 and two writes")
    func hotLoopAggregates() async throws {
        let cluster = try await RuntimeTestServer.start()
        let client = try cluster.client()
        let object = try await makeObject(client)
        cluster.server.api.counter.reset()
        let recorder = EventRecorder(client: client, options: options())
        for _ in 0..<100 {
            recorder.record(regarding: object, type: .warning, reason: "ReconcileError", action: "Reconcile",
                            note: "model source unreachable")
        }
        await recorder.flush()

        let events = try await describeEvents(client)
        try #require(events.count == 1)
        #expect(events[0][path: ["series", "count"]] == 100)
        #expect(events[0]["type"] == "Warning")
        #expect(cluster.server.api.counter.total(verbs: ["create", "update", "patch"], resource: "events") == 2)
        await recorder.shutdown()
        await cluster.stop()
    }

    @Test("new Events are created side by side, at most concurrentCreates at once; repeats meanwhile join their series")
    func concurrentCreates() async throws {
        let cluster = try await RuntimeTestServer.start()
        let client = try cluster.client()
        let object = try await makeObject(client)
        cluster.server.api.counter.reset()
        var options = options()
        options.concurrentCreates = 4
        let recorder = EventRecorder(client: client, options: options)
        func record(_ note: String) {
            recorder.record(regarding: object, type: .normal, reason: "Step", action: "Reconcile", note: note)
        }
        func creates() -> Int { cluster.server.api.counter.total(verbs: ["create"], resource: "events") }
        // Each request now waits 2 s at the server before it is served: creates that reach it
        // together were sent without waiting for each other's answers.
        cluster.server.api.faults.latency = .seconds(2)
        for i in 0..<10 { record("event \(i)") }
        try await eventually("four creates at the server") { creates() >= 4 }
        #expect(cluster.server.api.store.withState { $0.all("events").count } == 0, "none of them answered yet")
        #expect(creates() == 4, "the other six wait for a free slot")
        for _ in 0..<3 { record("event 0") }  // repeats of an Event still being created
        cluster.server.api.faults.latency = nil
        await recorder.flush()

        let events = try await describeEvents(client)
        let byNote = Dictionary(grouping: events) { $0["message"]?.stringValue ?? "" }
        #expect(events.count == 10)
        #expect(byNote.values.allSatisfy { $0.count == 1 })
        #expect(byNote["event 0"]?.first?[path: ["series", "count"]] == 4)
        #expect(byNote["event 1"]?.first?["series"] == nil)
        #expect(creates() == 10)
        #expect(cluster.server.api.counter.total(verbs: ["patch"], resource: "events") == 1)
        await recorder.shutdown()
        await cluster.stop()
    }

    @Test("a full cache never forgets an Event still being created: its repeats are written")
    func evictionSparesCreates() async throws {
        let cluster = try await RuntimeTestServer.start()
        let client = try cluster.client()
        let object = try await makeObject(client)
        let time = HandMovedTime()
        var options = options(time: time.source)
        options.cacheLimit = 4
        options.concurrentCreates = 8
        let recorder = EventRecorder(client: client, options: options)
        func record(_ note: String) {
            recorder.record(regarding: object, type: .normal, reason: "Step", action: "Reconcile", note: note)
        }
        cluster.server.api.faults.latency = .seconds(2)  // every create is still on its way below
        record("a")
        record("a")  // joins the series of an Event being created
        for note in ["b", "c", "d"] {
            time.advance(.seconds(1))
            record(note)
        }
        time.advance(.seconds(1))
        record("e")  // the cache is full; "a", the least recently seen, is still being created
        cluster.server.api.faults.latency = nil
        await recorder.flush()

        let events = try await describeEvents(client)
        let byNote = Dictionary(grouping: events) { $0["message"]?.stringValue ?? "" }
        #expect(events.count == 5)
        #expect(byNote["a"]?.first?[path: ["series", "count"]] == 2)
        await recorder.shutdown()
        await cluster.stop()
    }

    @Test("a shutdown writes the Events still being created and their series")
    func shutdownWaitsForCreates() async throws {
        let cluster = try await RuntimeTestServer.start()
        let client = try cluster.client()
        let object = try await makeObject(client)
        var options = options()
        options.concurrentCreates = 2
        let recorder = EventRecorder(client: client, options: options)
        for i in 0..<6 {
            recorder.record(regarding: object, type: .normal, reason: "Step", action: "Reconcile", note: "event \(i)")
        }
        recorder.record(regarding: object, type: .normal, reason: "Step", action: "Reconcile", note: "event 5")
        await recorder.shutdown()

        let events = try await describeEvents(client)
        #expect(events.count == 6)
        #expect(events.first { $0["message"] == "event 5" }?[path: ["series", "count"]] == 2)
        await cluster.stop()
    }

    @Test("distinct reasons (or notes) are distinct Events, each with its own series")
    func distinctReasons() async throws {
        let cluster = try await RuntimeTestServer.start()
        let client = try cluster.client()
        let object = try await makeObject(client)
        let recorder = EventRecorder(client: client, options: options())
        for _ in 0..<5 {
            for reason in ["ReconcileError", "AnalysisFailed", "Promoted"] {
                recorder.record(regarding: object, type: .warning, reason: reason, action: "Reconcile", note: "x")
            }
        }
        recorder.record(regarding: object, type: .warning, reason: "ReconcileError", action: "Reconcile", note: "another note")
        await recorder.flush()

        let events = try await describeEvents(client)
        let byKey = Dictionary(grouping: events) { "\($0["reason"]?.stringValue ?? "")/\($0["message"]?.stringValue ?? "")" }
        #expect(byKey.count == 4)
        for reason in ["ReconcileError", "AnalysisFailed", "Promoted"] {
            #expect(byKey["\(reason)/x"]?.first?[path: ["series", "count"]] == 5)
        }
        #expect(byKey["ReconcileError/another note"]?.first?["series"] == nil)
        await recorder.shutdown()
        await cluster.stop()
    }

    @Test("a full aggregation cache forgets its least recently seen quarter at once; recent series keep counting")
    func fullCacheEvictsTheOldestQuarter() async throws {
        let cluster = try await RuntimeTestServer.start()
        let client = try cluster.client()
        let object = try await makeObject(client)
        let time = HandMovedTime()
        var options = options(time: time.source)
        options.cacheLimit = 8
        let recorder = EventRecorder(client: client, options: options)
        func record(_ note: String) {
            recorder.record(regarding: object, type: .normal, reason: "Step", action: "Reconcile", note: note)
        }
        for i in 0..<8 {
            record("series \(i)")
            time.advance(.seconds(1))
        }
        await recorder.flush()
        record("series 8")  // the cache is full: series 0 and 1 (the oldest quarter) are forgotten
        record("series 2")  // still remembered: joins its series
        record("series 1")  // forgotten: a new Event
        await recorder.flush()

        let events = try await describeEvents(client)
        let byNote = Dictionary(grouping: events) { $0["message"]?.stringValue ?? "" }
        #expect(byNote["series 1"]?.count == 2)
        #expect(byNote["series 2"]?.count == 1)
        #expect(byNote["series 2"]?.first?[path: ["series", "count"]] == 2)
        #expect(byNote["series 8"]?.count == 1)
        #expect(events.count == 10)
        await recorder.shutdown()
        await cluster.stop()
    }

    @Test("a repeat after the flush interval writes the accumulated count at once; after the series window a new Event starts")
    func intervalsAndWindows() async throws {
        let cluster = try await RuntimeTestServer.start()
        let client = try cluster.client()
        let object = try await makeObject(client)
        let time = HandMovedTime()
        var options = options(flushInterval: .seconds(10), time: time.source)
        options.seriesWindow = .seconds(360)
        let recorder = EventRecorder(client: client, options: options)
        func record() {
            recorder.record(regarding: object, type: .warning, reason: "Backoff", action: "Reconcile", note: "retrying")
        }
        record()
        for _ in 0..<9 { record() }
        try await eventually("the Event") { try await !describeEvents(client).isEmpty }
        #expect(try await describeEvents(client).first?["series"] == nil, "repeats wait for the interval")
        time.advance(.seconds(11))
        record()  // the 11th, 11 s after the create: written now, without a flush
        try await eventually("series written") {
            try await describeEvents(client).first?[path: ["series", "count"]] == 11
        }
        time.advance(.seconds(400))  // past the window: the next occurrence is a new Event
        record()
        await recorder.flush()
        let events = try await describeEvents(client)
        #expect(events.count == 2)
        await recorder.shutdown()
        await cluster.stop()
    }

    @Test("failures to record are logged, not thrown, and a later occurrence is recorded")
    func failuresAreSwallowed() async throws {
        let cluster = try await RuntimeTestServer.start()
        var clientOptions = KubeClient.Options()
        clientOptions.retry = .none
        let client = try cluster.client(options: clientOptions)
        let object = try await makeObject(client)
        let recorder = EventRecorder(client: client, options: options())
        cluster.server.api.faults.failNext(1, verb: "create", resource: "events", status: 500)
        recorder.record(regarding: object, type: .warning, reason: "Failed", action: "Reconcile", note: "first")
        await recorder.flush()
        #expect(try await describeEvents(client).isEmpty)
        recorder.record(regarding: object, type: .warning, reason: "Failed", action: "Reconcile", note: "first")
        await recorder.flush()
        #expect(try await describeEvents(client).count == 1)
        await recorder.shutdown()
        await cluster.stop()
    }

    @Test("a note longer than 1024 bytes is cut on a character boundary, so the API accepts it")
    func longNote() async throws {
        let cluster = try await RuntimeTestServer.start()
        let client = try cluster.client()
        let object = try await makeObject(client)
        let recorder = EventRecorder(client: client, options: options())
        recorder.record(regarding: object, type: .warning, reason: "Failed", action: "Reconcile",
                        note: String(repeating: "é", count: 1000))
        await recorder.flush()
        let message = try await describeEvents(client).first?["message"]?.stringValue
        #expect(message?.utf8.count == 1024)
        #expect(message == String(repeating: "é", count: 512))
        #expect(EventRecorder.truncate("abc", bytes: 1024) == "abc")
        await recorder.shutdown()
        await cluster.stop()
    }
}
