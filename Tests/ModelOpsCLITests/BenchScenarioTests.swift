import Foundation
import KubeCore
import Testing
import TestSupport

/// `modelops-bench`'s operator scenarios, each run end to end at a tiny N through the built
/// binary: the in-process API server, the real operator, one JSON object on standard output with
/// the figures the README's Performance table quotes, and sane values in it.
@Suite("modelops-bench scenarios")
struct BenchScenarioTests {
    static let objects = 5

    /// Runs the five scenarios at once (each its own process) and returns their JSON by scenario.
    static func runAll() async throws -> [String: JSON] {
        let binary = try #require(Repository.executable("modelops-bench"), "modelops-bench not built next to the tests")
        let runs: [(String, [String])] = [
            ("informer", []),
            ("rollout", ["--paced", "3", "--rate", "20"]),
            ("steady", ["--seconds", "2"]),
            ("training", ["--run-seconds", "0.05"]),
            ("schedule", []),
        ]
        return try await withThrowingTaskGroup(of: (String, JSON).self) { group in
            for (scenario, extra) in runs {
                group.addTask {
                    let result = try await Command.run(binary, [scenario, "--objects", String(objects), "--timeout", "60", "--json"] + extra)
                    #expect(result.status == 0, "\(scenario): \(result)")
                    let json = try JSON.parse(Array(result.stdout.utf8))
                    return (scenario, json)
                }
            }
            var results: [String: JSON] = [:]
            for try await (scenario, json) in group { results[scenario] = json }
            return results
        }
    }

    static func number(_ json: JSON?, _ path: String...) -> Double? {
        guard let value = json?[path: path] else { return nil }
        if case let .double(d) = value { return d }
        return value.intValue.map(Double.init)
    }

    /// p50 ≤ p99 ≤ max, all ≥ `atLeast`, over `count` samples.
    static func checkPercentiles(_ json: JSON?, _ key: String, count: Int, atLeast: Double = 0, sourceLocation: SourceLocation = #_sourceLocation) {
        let p50 = number(json, key, "p50"), p99 = number(json, key, "p99"), max = number(json, key, "max")
        #expect(number(json, key, "n") == Double(count), "\(key) samples", sourceLocation: sourceLocation)
        guard let p50, let p99, let max else {
            Issue.record("\(key) lacks percentiles: \(json?[key] ?? .null)", sourceLocation: sourceLocation)
            return
        }
        #expect(p50 >= atLeast && p50 <= p99 && p99 <= max, "\(key): \(p50) / \(p99) / \(max)", sourceLocation: sourceLocation)
    }

    @Test("informer, rollout, steady, training and schedule run at --objects 5 and report their figures")
    func scenarios() async throws {
        let results = try await Self.runAll()
        let n = Double(Self.objects)
        for (scenario, json) in results {
            #expect(json["scenario"]?.stringValue == scenario)
            #expect(Self.number(json, "objects") == n, "\(scenario)")
            #expect((Self.number(json, "seconds") ?? 0) > 0, "\(scenario)")
            #expect((Self.number(json, "rssMB") ?? 0) > 10, "\(scenario)")
            #expect(json["apiRequests"]?.objectValue?.isEmpty == false, "\(scenario): requests counted by the server")
            #expect(json["operatorRequests"]?.objectValue?.isEmpty == false, "\(scenario): and by the operator's client")
            #expect(Self.number(json, "operator", "qps") == -1 && Self.number(json, "operator", "workers") == 4,
                    "\(scenario): modelops run's defaults (no client-side limit)")
        }

        let informer = results["informer"]
        #expect((Self.number(informer, "syncSeconds") ?? 0) > 0)
        #expect((Self.number(informer, "reconciles") ?? 0) >= 3 * n, "every object reconciled once after the sync")
        #expect(Self.number(informer, "operatorWrites") == 0, "a restart over settled objects writes nothing")
        // 9 informers, shared by the controllers: ModelDeployments, RetrainPolicies, TrainingJobs (the
        // TrainingJob and RetrainPolicy controllers' one cache), ConfigMaps, Deployments, Services,
        // HTTPRoutes, Jobs, Pods.
        #expect(Self.number(informer, "apiRequests", "watch") == 9, "one watch per informer: caches are shared")
        #expect((Self.number(informer, "apiRequests", "list") ?? 0) >= 9, "every informer listed")
        #expect(informer?["operatorRSSMB"]?.isNull == false)

        let rollout = results["rollout"]
        Self.checkPercentiles(rollout, "specToStatusMs", count: 3)
        Self.checkPercentiles(rollout, "specToSettledMs", count: 3, atLeast: 50)  // Deployments become available after 50 ms
        Self.checkPercentiles(rollout?["burst"], "specToStatusMs", count: 2)
        #expect((Self.number(rollout, "secondsToAllSettled") ?? 0) > 0)
        #expect((Self.number(rollout, "operatorWritesPerObject") ?? 0) >= 3, "a canary of two steps writes children and status")
        #expect((Self.number(rollout, "apiRequestsWrites", "update modeldeployments/status") ?? 0) >= 2 * n)
        #expect(Self.number(rollout, "operatorConflicts") == 0, "no status written from a stale cache")

        let steady = results["steady"]
        #expect(Self.number(steady, "operatorWrites") == 0)
        #expect(Self.number(steady, "apiWrites") == 0)
        #expect((Self.number(steady, "cpuSeconds") ?? 0) > 0)
        #expect((Self.number(steady, "windowSeconds") ?? 0) >= 2)
        #expect((Self.number(steady, "rssStartMB") ?? 0) > 0 && (Self.number(steady, "rssEndMB") ?? 0) > 0)

        let training = results["training"]
        Self.checkPercentiles(training, "creationToSucceededMs", count: Self.objects, atLeast: 50)  // trainers run 50 ms
        #expect((Self.number(training, "operatorWritesPerJob") ?? 0) >= 2, "a Job and status writes")

        let schedule = results["schedule"]
        Self.checkPercentiles(schedule, "slotToCreatedMs", count: Self.objects)
        #expect(Self.number(schedule, "trainingJobs") == n && Self.number(schedule, "policiesWithOneJob") == n)
        #expect((Self.number(schedule, "creationTimestampSkewSeconds", "max") ?? 99) <= 2)
    }

    @Test("decode times one list page of every cached kind, bytes to cache, against Foundation's coders")
    func decode() async throws {
        let binary = try #require(Repository.executable("modelops-bench"), "modelops-bench not built next to the tests")
        let result = try await Command.run(binary, ["decode", "--objects", String(Self.objects), "--rounds", "3", "--timeout", "120", "--json"])
        #expect(result.status == 0, "\(result)")
        let json = try JSON.parse(Array(result.stdout.utf8))
        #expect(json["scenario"]?.stringValue == "decode")
        let kinds = ["modeldeployments", "retrainpolicies", "trainingjobs", "deployments", "services", "jobs", "pods"]
        #expect(Set(json["byKind"]?.objectValue?.keys.map { $0 } ?? []) == Set(kinds))
        for kind in kinds {
            #expect((Self.number(json, "byKind", kind, "objects") ?? 0) >= Double(Self.objects), "\(kind)")
            #expect((Self.number(json, "byKind", kind, "bytesPerObject") ?? 0) > 500, "\(kind)")
            var variants = ["parse", "parseDroppingManagedFields", "parseFoundation", "toCache", "toCacheParsingManagedFields"]
            if ["modeldeployments", "retrainpolicies", "trainingjobs"].contains(kind) {
                variants += ["toCacheWritingEachObjectAgain", "decodeFoundation", "readFromCache"]
            }
            for variant in variants {
                #expect((Self.number(json, "byKind", kind, "microsecondsPerObject", variant) ?? 0) > 0, "\(kind) \(variant)")
            }
            #expect(json["byKind"]?[kind]?["microsecondsPerObject"]?.objectValue?.count == variants.count, "\(kind)")
        }
    }

    @Test("firstdeploy runs modelops in its own process against a playground: 5 first versions Healthy, its requests counted by the server and its client, no writes at rest")
    func firstDeploy() async throws {
        let binary = try #require(Repository.executable("modelops-bench"), "modelops-bench not built next to the tests")
        let result = try await Command.run(binary, ["firstdeploy", "--objects", String(Self.objects), "--timeout", "120", "--json"])
        #expect(result.status == 0, "\(result)")
        let json = try JSON.parse(Array(result.stdout.utf8))
        let n = Double(Self.objects)
        #expect(json["scenario"]?.stringValue == "firstdeploy")
        #expect(json["cluster"]?.stringValue == "modelops-playground --no-operator")
        #expect(Self.number(json, "objects") == n && Self.number(json, "healthy") == n, "every object Healthy")
        // The playground's pods become ready 30 simulated seconds (0.5 s at 60x) after they start.
        Self.checkPercentiles(json, "createToHealthyMs", count: Self.objects, atLeast: 500)
        #expect((Self.number(json, "seconds") ?? 0) >= 0.5)
        #expect((Self.number(json, "cpuSeconds") ?? 0) > 0, "the operator process's CPU time")
        #expect((Self.number(json, "rssAtHealthyMB") ?? 0) > 5 && (Self.number(json, "peakRSSMB") ?? 0) > 5, "the operator process's memory")
        // Counted by the server for the operator's client alone (not the bench's creates): the
        // children and the status of each object, and the same total by ModelOps' own client.
        for resource in ["deployments", "services", "modeldeployments/status"] {
            let writes = ["create", "update", "patch"].compactMap { Self.number(json, "requestsPerObjectByResource", "\($0) \(resource)") }
            #expect(writes.reduce(0, +) >= 1, "\(resource) written for every object: \(json["requestsPerObjectByResource"] ?? .null)")
        }
        #expect(Self.number(json, "requestsPerObjectByResource", "create modeldeployments") == nil, "the bench's creates are not the operator's")
        #expect(Self.number(json, "requestsPerObject", "total") == Self.number(json, "clientRequestsPerObject", "total"),
                "server and client count the same requests")
        #expect(Self.number(json, "writesAtRest") == 0 && Self.number(json, "clientWritesAtRest") == 0, "nothing written at rest")
        #expect(Self.number(json, "operator", "exitStatus") == 0, "the operator ended cleanly on SIGTERM")
        #expect((Self.number(json, "machine", "nproc") ?? 0) >= 1)
    }

    @Test("informer --own-process runs modelops in its own process over a settled playground: synced, every object reconciled once, no writes, its own CPU and memory; with --streaming-lists its caches fill from watches alone",
          arguments: [false, true])
    func informerOwnProcess(streamingLists: Bool) async throws {
        let binary = try #require(Repository.executable("modelops-bench"), "modelops-bench not built next to the tests")
        let result = try await Command.run(binary, ["informer", "--own-process", "--objects", String(Self.objects), "--timeout", "120", "--json"]
                                           + (streamingLists ? ["--streaming-lists"] : []))
        #expect(result.status == 0, "\(result)")
        let json = try JSON.parse(Array(result.stdout.utf8))
        #expect(json["scenario"]?.stringValue == "informer")
        #expect(json["cluster"]?.stringValue == "modelops-playground --no-operator")
        let sync = try #require(Self.number(json, "syncSeconds"))
        let reconciled = try #require(Self.number(json, "firstReconcilesDoneSeconds"))
        #expect(sync > 0 && reconciled >= sync, "synced, then every object reconciled: \(sync) / \(reconciled)")
        #expect((Self.number(json, "cpuSecondsToReconciled") ?? 0) > 0, "the operator process's CPU time")
        // The whole process (an idle release build is some 50 MB), not a difference inside the bench's.
        #expect((Self.number(json, "operatorRSSMB") ?? 0) > 10 && (Self.number(json, "operatorPeakRSSMB") ?? 0) >= (Self.number(json, "operatorRSSMB") ?? 0))
        // Counted by the server for the operator's client: a list and one watch per shared informer (or,
        // streaming, a watch-list and then a watch from its end bookmark), and no write but its start-up
        // permission checks.
        let requests = json["apiRequests"] ?? .null
        if streamingLists {
            #expect(Self.number(json, "apiRequests", "watch") == 18 && Self.number(json, "apiRequests", "list") == nil, "\(requests)")
        } else {
            #expect(Self.number(json, "apiRequests", "watch") == 9 && (Self.number(json, "apiRequests", "list") ?? 0) >= 9, "\(requests)")
        }
        let writes = json["apiRequestsWrites"]?.objectValue ?? [:]
        #expect(writes.keys.allSatisfy { $0.hasPrefix("create selfsubject") }, "only permission checks written: \(writes)")
        #expect(Self.number(json, "operatorProcess", "exitStatus") == 0, "the operator ended cleanly on SIGTERM")
    }
}
