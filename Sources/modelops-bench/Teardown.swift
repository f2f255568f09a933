/// What to undo when a run ends, in reverse order of setting up (watch, operator, cluster,
/// playground), whether it ended well or not. Used from the one task that runs the scenario.
final class Teardown {
    private var steps: [() async -> Void] = []

    func add(_ step: @escaping () async -> Void) { steps.append(step) }

    func run() async {
        while let step = steps.popLast() { await step() }
    }
}
