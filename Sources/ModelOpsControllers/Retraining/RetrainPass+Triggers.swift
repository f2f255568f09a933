import Foundation
import KubeCore
import KubeRuntime
import ModelOpsAPI

extension RetrainPass {
    // MARK: Triggers

    /// The latest start of a triggered (Metric or DataVersion) run, from status and, so it
    /// survives a lost status write, from the runs' own annotations.
    var lastTriggeredRun: Date? {
        let remembered = (plan.status.triggerStatuses ?? []).compactMap { $0.lastFired?.date }
        let fromJobs = (observation.jobs + plan.create).compactMap { job -> Date? in
            guard let trigger = job.metadata.labels?[RetrainRunNames.triggerLabel],
                  trigger == RunTrigger.metric.rawValue || trigger == RunTrigger.dataVersion.rawValue else { return nil }
            return job.metadata.annotations?[RetrainRunNames.triggeredAtAnnotation].flatMap(KubeTime.init(rfc3339:))?.date
                ?? job.metadata.creationTimestamp?.date
        }
        return (remembered + fromJobs).max()
    }

    /// When the cooldown after the last triggered run ends; nil when there is none.
    var cooldownEnd: Date? {
        guard let text = spec.cooldown, let cooldown = try? GoDuration.parse(text), cooldown > .zero,
              let last = lastTriggeredRun else { return nil }
        let end = last.addingTimeInterval(cooldown.timeInterval)
        return end > now ? end : nil
    }

    func triggerStatus(_ index: Int) -> RetrainPolicyStatus.TriggerStatus {
        plan.status.triggerStatuses?.first { $0.index == index } ?? RetrainPolicyStatus.TriggerStatus(index: index)
    }

    mutating func setTriggerStatus(_ state: RetrainPolicyStatus.TriggerStatus) {
        var all = plan.status.triggerStatuses ?? []
        all.removeAll { $0.index == state.index }
        all.append(state)
        plan.status.triggerStatuses = all.sorted { $0.index < $1.index }
    }

    mutating func triggers() {
        let triggers = spec.triggers ?? []
        // Memory of triggers that no longer exist is dropped.
        if let states = plan.status.triggerStatuses {
            let kept = states.filter { $0.index < triggers.count }
            plan.status.triggerStatuses = kept.isEmpty ? nil : kept
        }
        for (index, trigger) in triggers.enumerated() {
            switch trigger.type {
            case .dataVersion: dataVersion(index)
            case .metric: if let metric = trigger.metric { self.metric(index, metric) }
            }
        }
    }

    mutating func dataVersion(_ index: Int) {
        guard let current = observation.dataVersions[index] else { return }
        var state = triggerStatus(index)
        let name = RetrainRunNames.dataVersion(policy: policyName, index: index, version: current)
        guard let observed = state.observedDataVersion, observed != current, !exists(name) else {
            // The first value seen is the baseline; a run that exists already acted on this value.
            if state.observedDataVersion != current {
                state.observedDataVersion = current
                setTriggerStatus(state)
            }
            return
        }
        guard !suspended, mayStart else { return }  // pending: acted on after resume / when runs finish
        if let end = cooldownEnd {
            wake(at: end)
            return
        }
        state.observedDataVersion = current
        state.lastFired = KubeTime(now)
        setTriggerStatus(state)
        start(.dataVersion, name: name, reason: "dataset version changed from \(observed) to \(current)",
              datasetVersion: current)
    }

    mutating func metric(_ index: Int, _ metric: MetricTrigger) {
        guard let reading = observation.metricReadings[index] else { return }
        var state = triggerStatus(index)
        let op = metric.`operator` ?? .greaterThan
        let breaching = reading.value.map { op == .greaterThan ? $0 > metric.threshold : $0 < metric.threshold } ?? false
        if breaching, state.breachingSince == nil {
            state.breachingSince = KubeTime(now)
            state.lastValue = reading.value
        } else if !breaching, state.breachingSince != nil {
            state.breachingSince = nil
            state.lastValue = reading.value
        }
        defer { setTriggerStatusIfChanged(state) }
        guard breaching, let since = state.breachingSince, let value = reading.value else { return }
        let hold = (metric.`for`.flatMap { try? GoDuration.parse($0) }).map(\.timeInterval) ?? 0
        guard now.timeIntervalSince(since.date) >= hold, !suspended, mayStart, cooldownEnd == nil else { return }
        state.lastFired = KubeTime(now)
        state.lastValue = value
        let sign = op == .greaterThan ? ">" : "<"
        let held = metric.`for`.map { " for \($0)" } ?? ""
        start(.metric, name: RetrainRunNames.metric(policy: policyName, time: now),
              reason: "\(metric.query) = \(Self.format(value)) \(sign) \(Self.format(metric.threshold))\(held)")
    }

    /// Writes the trigger's memory only when it changed (an untouched trigger gets no entry).
    mutating func setTriggerStatusIfChanged(_ state: RetrainPolicyStatus.TriggerStatus) {
        if state != triggerStatus(state.index) { setTriggerStatus(state) }
    }

    static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}
