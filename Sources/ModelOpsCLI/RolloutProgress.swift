import ModelOpsAPI

/// Where a candidate is in its strategy, in words: "step 3/5: pause until promoted".
struct RolloutProgress: Sendable {
    var strategy: DeploymentStrategy.StrategyType
    /// The current step index (0-based), as status.canary.step holds it.
    var index: Int
    /// The number of canary steps (0 for BlueGreen and Shadow, which have phases instead).
    var count: Int
    var description: String

    init(spec: ModelDeploymentSpec, canary: CanaryStatus) {
        strategy = spec.strategy?.type ?? .canary
        index = canary.step ?? 0
        switch strategy {
        case .canary:
            let steps = spec.strategy?.canary?.steps ?? []
            count = steps.count
            if index < steps.count {
                description = "step \(index + 1)/\(steps.count): \(Self.describe(steps[index]))"
            } else if index == steps.count, let bake = spec.strategy?.canary?.bakeSeconds, bake > 0 {
                description = "steps done: baking at 100% for \(bake)s"
            } else {
                description = "steps done: full weight, becoming stable"
            }
        case .blueGreen:
            count = 0
            description = ["phase 1/3: starting behind the preview Service",
                           "phase 2/3: pre-promotion analysis",
                           "phase 3/3: ready to switch"][min(index, 2)]
        case .shadow:
            count = 0
            let mirror = spec.strategy?.shadow?.mirrorPercent ?? 0
            description = ["phase 1/3: starting the mirror", "phase 2/3: mirroring \(mirror)% of requests",
                           "phase 3/3: switching"][min(index, 2)]
        }
    }

    static func describe(_ step: CanaryStep) -> String {
        if let weight = step.setWeight { return "setWeight \(weight)%" }
        if let pause = step.pause { return pause.duration.map { "pause \($0)" } ?? "pause until promoted" }
        if let analysis = step.analysis {
            return "analysis" + ((analysis.metrics ?? []).isEmpty ? "" : " of \(analysis.metrics!.joined(separator: ", "))")
        }
        return "step"
    }
}
