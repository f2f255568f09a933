import KubeClient
import KubeCore
import ModelOpsAPI

/// What runs a TrainingJob: one workload object per TrainingJob (a batch/v1 Job, a Kubeflow
/// PyTorchJob, a JobSet), built from the spec and read back into a `TrainingJobObservation`. The
/// controller watches each backend's workload kind, applies the desired object with server-side
/// apply and a controller reference, and finds the pods through the `modelops.io/training-job`
/// label the backend puts on every pod template; the reconciler never sees which backend ran.
///
/// To add one: a case in `TrainingJobSpec.Backend` (and the CRD's `backend` enum), a type
/// conforming to this protocol, and an entry in `TrainingBackends.standard`.
public protocol TrainingBackend: Sendable {
    /// The `spec.backend` value it runs.
    var kind: TrainingJobSpec.Backend { get }

    /// The workload kind it creates, e.g. batch/v1 jobs.
    var workload: ResourceInfo { get }

    /// The complete workload object for `job`, named `name` in the job's namespace, with
    /// `owner` as its only owner reference and `TrainerEnvironment` applied to every pod template.
    func desiredWorkload(for job: TrainingJob, name: String, owner: OwnerReference) -> JSON

    /// The state of a run from its workload and the pods labelled with the TrainingJob's name
    /// (controlled by the workload).
    func observe(workload: JSON, pods: [JSON]) -> TrainingJobObservation

    /// What the workload cache keeps of one of its workloads: everything `observe` reads, and
    /// `metadata` whole (the controller checks ownership and deletion there).
    func cached(workload: JSON) -> JSON
}

extension TrainingBackend {
    /// Keeps the whole workload.
    public func cached(workload: JSON) -> JSON { workload }
}

/// The backends the operator knows, by `spec.backend`.
public enum TrainingBackends {
    public static let standard: [any TrainingBackend] = [JobBackend()]
}
