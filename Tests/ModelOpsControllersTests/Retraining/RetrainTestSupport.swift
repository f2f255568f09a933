import Foundation
import KubeClient
import KubeCore
import KubeRuntime
import ModelOpsAPI
import Synchronization
import Testing
import TestSupport
@testable import ModelOpsControllers

/// What the RetrainPolicy end-to-end tests share: a policy manifest, moving the test clock to a
/// wall time, and playing the TrainingJob controller by writing TrainingJob status.
extension OperatorHarness {
    /// A RetrainPolicy manifest; `extra` is spliced into `spec` (indented two spaces).
    static func retrainPolicy(_ name: String, schedule: String = "0 2 * * *", extra: String = "") -> String {
        """
        apiVersion: modelops.io/v1alpha1
        kind: RetrainPolicy
        metadata:
          name: \(name)
          namespace: \(namespace)
        spec:
          modelDeploymentRef:
            name: fraud
          schedule: "\(schedule)"
        \(extra.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }.joined(separator: "\n"))
          trainingJobTemplate:
            spec:
              model:
                name: fraud
              outputURI: s3://models/fraud/
              dataset:
                uri: s3://data/tx/
              template:
                spec:
                  containers:
                  - name: trainer
                    image: trainer:1
        """
    }

    /// A harness running only the RetrainPolicy controller, without the simulator: the test plays
    /// the TrainingJob and ModelDeployment controllers by writing their status (the closed-loop
    /// test runs them all).
    static func startRetrain(configure: @escaping @Sendable (inout OperatorContext) -> Void = { _ in }) async throws -> OperatorHarness {
        try await start(simulator: nil) { context in
            context.controllers = [RetrainPolicyController.name]
            configure(&context)
        }
    }

    /// Moves the operator clock to just past `date` (a schedule slot).
    func advance(past date: Date, by margin: TimeInterval = 1) {
        let delta = date.timeIntervalSince(clock.wallNow()) + margin
        if delta > 0 { clock.advance(by: .milliseconds(Int64(delta * 1000))) }
    }

    /// The TrainingJobs of a policy, by name.
    func trainingJobs(of policy: String) async throws -> [TrainingJob] {
        try await resource(TrainingJob.self).list(ListOptions(labelSelector: "\(RetrainRunNames.policyLabel)=\(policy)"))
            .items.sorted { ($0.metadata.name ?? "") < ($1.metadata.name ?? "") }
    }

    /// Waits until the policy has exactly `count` TrainingJobs; returns their names.
    @discardableResult
    func waitForJobs(of policy: String, count: Int, timeout: Duration = .seconds(60)) async throws -> [String] {
        let names = Mutex<[String]>([])
        try await eventually(timeout: timeout, "\(count) TrainingJobs of \(policy)") {
            let found = try await trainingJobs(of: policy).compactMap(\.metadata.name)
            names.withLock { $0 = found }
            return found.count == count
        }
        return names.withLock { $0 }
    }

    /// Plays the TrainingJob controller: writes a finished status.
    func finish(_ name: String, _ phase: TrainingJobStatus.Phase, version: String? = nil, validated: Bool = false) async throws {
        var job = try await get(TrainingJob.self, name)
        let now = KubeTime(clock.wallNow())
        var status = TrainingJobStatus(phase: phase, completionTime: now)
        if let version { status.model = ModelArtifact(name: "fraud", version: version, uri: "s3://models/fraud/\(version)") }
        status.conditions = [Condition(type: "Complete", status: phase == .succeeded ? .true : .false, lastTransitionTime: now,
                                       reason: phase == .succeeded ? "Completed" : "Failed")]
        if validated {
            status.conditions?.append(Condition(type: "Validated", status: .true, lastTransitionTime: now, reason: "GatesPassed"))
        }
        job.status = status
        _ = try await resource(TrainingJob.self).updateStatus(job, name: name)
    }

    /// Sets (merge-patches) one annotation on a policy, as `kubectl annotate` would.
    func annotate(policy: String, _ key: String, _ value: String) async throws {
        let patch: JSON = ["metadata": ["annotations": [key: .string(value)]]]
        _ = try await resource(RetrainPolicy.self).patch(policy, .merge(patch.serialized()))
    }

    /// Merge-patches a policy's spec.
    func patchSpec(policy: String, _ spec: JSON) async throws {
        let patch: JSON = ["spec": spec]
        _ = try await resource(RetrainPolicy.self).patch(policy, .merge(patch.serialized()))
    }

    /// Event reasons recorded about an object.
    func eventReasons(about name: String) async throws -> [String] {
        try await events(about: name).compactMap { $0["reason"]?.stringValue }
    }
}

/// "2026-11-19T02:00:00Z" as KubeTime.
func kubeTime(_ text: String) -> KubeTime { KubeTime(utc(text)) }
