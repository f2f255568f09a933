import KubeClient
import KubeCore
import KubeRuntime
import ModelOpsAPI
import ModelOpsControllers

/// Memory of one cache per kind the operator's controllers watch, measured one after another
/// over the same objects: each informer is started and synced, then the process's RSS (after
/// malloc_trim) is compared with before. Each kind is cached once however many controllers read
/// it (shared informers), and stored as the operator stores it (Services metadata-only, Jobs
/// and trainer pods trimmed to what the controllers read).
enum CacheBreakdown {
    struct Kind {
        var name: String
        var start: @Sendable (KubeClient) async -> (count: @Sendable () -> Int, packedBytes: @Sendable () -> Int, task: Task<Void, Never>)
    }

    static func typed<K: KubeResource & Codable & Sendable>(_ type: K.Type, selector: String? = nil) -> Kind {
        Kind(name: K.plural) { client in
            let informer = Informer(client.resource(K.self), options: InformerOptions(labelSelector: selector))
            let task = Task { await informer.run() }
            await informer.waitForSync()
            return ({ informer.store.count }, { informer.store.packedByteCount }, task)
        }
    }

    static func json(_ info: ResourceInfo, selector: String? = nil, access: ObjectAccess<JSON> = .json) -> Kind {
        Kind(name: info.plural) { client in
            let informer = Informer(client.dynamic(info), options: InformerOptions(labelSelector: selector), access: access)
            let task = Task { await informer.run() }
            await informer.waitForSync()
            return ({ informer.store.count }, { informer.store.packedByteCount }, task)
        }
    }

    /// The operator's caches (selectors as its controllers set them).
    static let kinds: [Kind] = [
        typed(ModelDeployment.self),
        typed(RetrainPolicy.self),
        typed(TrainingJob.self),
        json(Kinds.deployments, selector: "app.kubernetes.io/managed-by=modelops,modelops.io/deployment"),
        json(Kinds.services, selector: "app.kubernetes.io/managed-by=modelops,modelops.io/deployment",
             access: ModelDeploymentController.serviceCache),
        json(Kinds.jobs, selector: TrainingJobLabels.trainingJob, access: TrainingJobController.workloadCache(JobBackend())),
        json(Kinds.pods, selector: TrainingJobLabels.trainingJob, access: TrainingJobController.podCache),
    ]

    /// `{kind: {objects, mb, kbPerObject, packedMB, packedBytesPerObject}}`.
    static func measure(client: KubeClient) async -> JSON {
        var result: [String: JSON] = [:]
        var tasks: [Task<Void, Never>] = []
        for kind in kinds {
            let before = ProcessStats.trimmedRSSMB()
            let (count, packedBytes, task) = await kind.start(client)
            tasks.append(task)
            let mb = ProcessStats.trimmedRSSMB() - before
            let objects = count()
            result[kind.name] = [
                "objects": .int(Int64(objects)), "mb": BenchReport.round(mb, 10),
                "kbPerObject": objects > 0 ? BenchReport.round(mb * 1024 / Double(objects), 10) : .null,
                // What the packed objects themselves hold, exactly: the rest of `mb` is the
                // store's entries, indexes and what the allocator keeps.
                "packedMB": BenchReport.round(Double(packedBytes()) / 1_048_576, 10),
                "packedBytesPerObject": objects > 0 ? .int(Int64(packedBytes() / objects)) : .null,
            ]
        }
        for task in tasks { task.cancel() }
        for task in tasks { await task.value }
        return .object(result)
    }
}
