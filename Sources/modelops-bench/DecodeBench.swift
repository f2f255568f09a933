import ArgumentParser
import Foundation
import KubeClient
import KubeCore
import KubeRuntime
import KubeTestServer
import KubeTestServerCore
import ModelOpsAPI
import ModelOpsControllers

/// `decode`: the CPU an informer spends on one list page before its objects are cached, per
/// kind the operator watches, over the bytes the API test server sends for a settled world
/// (ModelDeployments Healthy with their Deployments and Services, TrainingJobs Succeeded with
/// their Jobs and pods, RetrainPolicies scheduled).
///
/// Each round times, on the same bytes and one after another: our parser (whole, and skipping
/// managedFields as informers do) and Foundation's (`JSONSerialization`); the whole page to
/// cache as the informer does it (list decode skipping managedFields, then the store packs each
/// object) and the same parsing managedFields; for typed kinds also each object written out
/// again by its Codable to be packed (the path before `ObjectList.sources`), and Foundation's
/// `JSONDecoder` reading the page as typed objects (what a Codable operator does, without a
/// cache), and reading each packed object back as a reconciler's cache read does
/// (`readFromCache`: unpacked into a tree, then decoded from it). Medians of the rounds, in
/// microseconds per object.
struct DecodeBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode", abstract: "One list page per kind, bytes to cache: CPU per object, against Foundation's coders.")

    @OptionGroup var options: OperatorBenchOptions
    @Option(help: "Timed rounds (medians are reported).") var rounds = 15

    struct Page<K: Decodable>: Decodable { var items: [K] }

    struct Variant {
        var name: String
        var run: () throws -> Void
    }

    func run() async throws {
        guard options.kubeconfig == nil else { throw ValidationError("decode reads the in-process test server's bytes; --kubeconfig is not supported") }
        let progress = Progress(quiet: options.json)
        let loadBefore = MachineInfo.loadAverage
        let cluster = try await BenchCluster.start(options, simulator: WorkloadSimulator.Options())
        var report = BenchReport(scenario: "decode", objects: options.objects, cluster: cluster)
        var kinds: [String: JSON] = [:]
        do {
            try await SettledWorld.build(cluster, options: options, progress: progress)
            guard let server = cluster.server else { throw ValidationError("no in-process server") }
            let client = try KubeClient(configuration: ClientConfiguration(server: "https://127.0.0.1:1", source: "bench"))
            func body(_ info: ResourceInfo) async throws -> [UInt8] {
                let response = await server.api.handle(APIRequest(
                    method: "GET", path: BenchCluster.path(info, namespace: cluster.namespace), headers: [:], body: [], user: BenchCluster.admin))
                guard response.status == 200 else { throw BenchCluster.failure("list \(info.plural)", response) }
                return response.body
            }
            func typed<K: KubeResource & Codable & Sendable>(_ type: K.Type) async throws -> (String, Int, Int, [Variant]) {
                let bytes = try await body(ResourceInfo(K.self))
                let resource = client.resource(K.self)
                var informerResource = resource
                informerResource.dropsManagedFields = true
                let count = try resource.decodeList(body: bytes).items.count
                // The page's objects as the cache holds them, to time reading them back.
                let packed = (try informerResource.decodeList(body: bytes).sources ?? []).compactMap { ObjectPacking<K>.codable.packSource?($0) }
                return (K.plural, count, bytes.count, [
                    Variant(name: "parse") { _ = try JSON.parse(bytes) },
                    Variant(name: "parseDroppingManagedFields") { _ = try JSON.parse(bytes, droppingManagedFieldsOf: .listItems) },
                    Variant(name: "parseFoundation") { _ = try JSONSerialization.jsonObject(with: Data(bytes)) },
                    Variant(name: "toCache") {
                        let list = try informerResource.decodeList(body: bytes)
                        let store = IndexedStore<K>(access: .typed)
                        store.beginList()
                        _ = store.applyListed(list.items, prepared: true, sources: list.sources)
                    },
                    Variant(name: "toCacheParsingManagedFields") {
                        let list = try resource.decodeList(body: bytes)
                        let store = IndexedStore<K>(access: .typed)
                        store.beginList()
                        _ = store.applyListed(list.items, prepared: true, sources: list.sources)
                    },
                    Variant(name: "toCacheWritingEachObjectAgain") {
                        let list = try resource.decodeList(body: bytes)
                        let store = IndexedStore<K>(access: .typed)
                        store.beginList()
                        _ = store.applyListed(list.items, prepared: true)
                    },
                    Variant(name: "decodeFoundation") { _ = try JSONDecoder().decode(Page<K>.self, from: Data(bytes)) },
                    Variant(name: "readFromCache") { for object in packed { _ = ObjectPacking<K>.codable.unpack(object) } },
                ])
            }
            func dynamic(_ info: ResourceInfo, _ access: ObjectAccess<JSON>) async throws -> (String, Int, Int, [Variant]) {
                let bytes = try await body(info)
                let resource = client.dynamic(info)
                var informerResource = resource
                informerResource.dropsManagedFields = true
                let count = try resource.decodeList(body: bytes).items.count
                return (info.plural, count, bytes.count, [
                    Variant(name: "parse") { _ = try JSON.parse(bytes) },
                    Variant(name: "parseDroppingManagedFields") { _ = try JSON.parse(bytes, droppingManagedFieldsOf: .listItems) },
                    Variant(name: "parseFoundation") { _ = try JSONSerialization.jsonObject(with: Data(bytes)) },
                    Variant(name: "toCache") {
                        let list = try informerResource.decodeList(body: bytes)
                        let store = IndexedStore<JSON>(access: access)
                        store.beginList()
                        _ = store.applyListed(list.items)
                    },
                    Variant(name: "toCacheParsingManagedFields") {
                        let list = try resource.decodeList(body: bytes)
                        let store = IndexedStore<JSON>(access: access)
                        store.beginList()
                        _ = store.applyListed(list.items)
                    },
                ])
            }
            let pages = [
                try await typed(ModelDeployment.self),
                try await typed(RetrainPolicy.self),
                try await typed(TrainingJob.self),
                try await dynamic(Kinds.deployments, .json),
                try await dynamic(Kinds.services, ModelDeploymentController.serviceCache),
                try await dynamic(Kinds.jobs, TrainingJobController.workloadCache(JobBackend())),
                try await dynamic(Kinds.pods, TrainingJobController.podCache),
            ]
            progress.say("timing \(rounds) rounds over \(pages.map { "\($0.1) \($0.0)" }.joined(separator: ", "))")
            let cpuBefore = ProcessStats.cpuSeconds()
            var times: [String: [String: [Double]]] = [:]
            for _ in 0..<rounds {
                for (kind, count, _, variants) in pages {
                    for variant in variants {
                        let start = ContinuousClock.now
                        try variant.run()
                        times[kind, default: [:]][variant.name, default: []].append((ContinuousClock.now - start).seconds * 1e6 / Double(max(count, 1)))
                    }
                }
            }
            report["cpuSeconds"] = BenchReport.round(ProcessStats.cpuSeconds() - cpuBefore)
            for (kind, count, bytes, _) in pages {
                var entry: [String: JSON] = ["objects": .int(Int64(count)), "bytesPerObject": .int(Int64(bytes / max(count, 1)))]
                var medians: [String: JSON] = [:]
                for (name, values) in times[kind] ?? [:] {
                    medians[name] = BenchReport.round(values.sorted()[values.count / 2], 100)
                }
                entry["microsecondsPerObject"] = .object(medians)
                kinds[kind] = .object(entry)
            }
        } catch {
            await cluster.stop()
            throw error
        }
        await cluster.stop()
        report["rounds"] = .int(Int64(rounds))
        report["byKind"] = .object(kinds)
        report["machine"] = MachineInfo.describe(loadBefore: loadBefore)
        report.print()
    }
}
