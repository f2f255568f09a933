import KubeRuntime

/// The operator: every ModelOps controller built from one shared context, ready to be added to a
/// `Manager` (leader election, probes, graceful shutdown) or run directly (tests, benchmarks).
public final class ModelOpsOperator: Sendable {
    struct Entry: Sendable {
        var name: String
        var run: @Sendable (_ drainTimeout: Duration) async -> Void
        var register: @Sendable (Manager) -> Void
        var hasSynced: @Sendable () -> Bool
    }

    public let context: OperatorContext
    let entries: [Entry]

    public init(context: OperatorContext) {
        var context = context
        context.informers = SharedInformers()
        self.context = context
        var entries: [Entry] = []
        // Only the controllers asked for are built: one left out must not register handlers on
        // the shared informers (its queue would fill with no worker to drain it).
        func add<P: Sendable>(_ name: String, _ make: (OperatorContext) -> Controller<P>) {
            guard context.controllers?.contains(name) ?? true else { return }
            let controller = make(context)
            entries.append(Entry(name: controller.name,
                                 run: { await controller.run(drainTimeout: $0) },
                                 register: { $0.add(controller) },
                                 hasSynced: { controller.hasSynced }))
        }
        // One line per controller; each controller's file builds it from the context.
        add(ModelDeploymentController.name, ModelDeploymentController.make)
        add(TrainingJobController.name, { TrainingJobController.make($0) })
        add(RetrainPolicyController.name, RetrainPolicyController.make)
        self.entries = entries
    }

    /// Names of the controllers, for the startup log.
    public var controllerNames: [String] { entries.map(\.name) }

    /// Adds every controller to `manager`.
    public func register(on manager: Manager) {
        for entry in entries { entry.register(manager) }
    }

    /// Whether every controller's caches have synced.
    public var hasSynced: Bool { entries.allSatisfy { $0.hasSynced() } }

    /// Runs every controller until the task is cancelled (without leader election or probes).
    public func run(drainTimeout: Duration = .seconds(5)) async {
        await withTaskGroup(of: Void.self) { group in
            for entry in entries {
                group.addTask { await entry.run(drainTimeout) }
            }
        }
    }
}
