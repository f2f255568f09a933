import KubeClient
import KubeCore
import KubeRuntime
import ModelOpsAPI

/// Memory of one cache per kind the operator's controllers watch, measured one after another
/// over the same objects: each informer is started and synced, then the process's RSS (after
/// malloc_trim) is compared with before. The operator keeps some kinds in more than one
/// controller (ModelDeployments in three, RetrainPolicies in two); `copies` says how many.
enum CacheBreakdown {
    struct Kind {
        var name: String
        var copies: Int
        var start: @Sendable (KubeClient) async -> (count: @Sendable () -> Int, task: Task<Void, Never>)
    }

    static func typed<K: KubeResource & Codable & Sendable>(_ type: K.Type, copies: Int, selector: String? = nil) -> Kind {
        Kind(name: K.plural, copies: copies) { client in
            let informer = Informer(client.resource(K.self), options: InformerOptions(labelSelector: selector))
            let task = Task { await informer.run() }
            await informer.waitForSync()
            return ({ informer.store.count }, task)
        }
    }

    static func json(_ info: ResourceInfo, copies: Int, selector: String? = nil) -> Kind {
        Kind(name: info.plural, copies: copies) { client in
            let informer = Informer(client.dynamic(info), options: InformerOptions(labelSelector: selector))
            let task = Task { await informer.run() }
            await informer.waitForSync()
            return ({ informer.store.count }, task)
        }
    }

    /// The operator's caches (selectors as its controllers set them).
    static let kinds: [Kind] = [
        typed(ModelDeployment.self, copies: 3),
        typed(RetrainPolicy.self, copies: 2),
        typed(TrainingJob.self, copies: 1),
        json(Kinds.deployments, copies: 1, selector: "app.kubernetes.io/managed-by=modelops,modelops.io/deployment"),
        json(Kinds.services, copies: 1, selector: "app.kubernetes.io/managed-by=modelops,modelops.io/deployment"),
        json(Kinds.jobs, copies: 1, selector: TrainingJobLabels.trainingJob),
        json(Kinds.pods, copies: 1, selector: TrainingJobLabels.trainingJob),
    ]

    /// `{kind: {objects, mb, kbPerObject, copies}}`.
    static func measure(client: KubeClient) async -> JSON {
        var result: [String: JSON] = [:]
        var tasks: [Task<Void, Never>] = []
        for kind in kinds {
            let before = ProcessStats.trimmedRSSMB()
            let (count, task) = await kind.start(client)
            tasks.append(task)
            let mb = ProcessStats.trimmedRSSMB() - before
            let objects = count()
            result[kind.name] = [
                "objects": .int(Int64(objects)), "mb": BenchReport.round(mb, 10), "copies": .int(Int64(kind.copies)),
                "kbPerObject": objects > 0 ? BenchReport.round(mb * 1024 / Double(objects), 10) : .null,
            ]
        }
        for task in tasks { task.cancel() }
        for task in tasks { await task.value }
        return .object(result)
    }
}
