import KubeClient
import KubeCore
import ModelOpsAPI

/// `modelops.io/training-results` (`TrainingJobLabels.resultsFinalizer`): set on the workload
/// and the pod template this operator applies, released once the TrainingJob's record is final
/// (or the TrainingJob is gone). Without it a Job with `ttlSecondsAfterFinished: 1` on a busy
/// cluster can be deleted, pods first, before the controller has read the trainer's
/// termination message, and a successful run would be recorded as a workload deleted mid-run.
enum ResultsFinalizer {
    static let name = TrainingJobLabels.resultsFinalizer

    /// `object` (a workload, or a pod template) with the finalizer added to its own.
    static func adding(to object: JSON) -> JSON {
        var object = object
        let current = object[path: ["metadata", "finalizers"]]?.arrayValue ?? []
        if !current.contains(.string(name)) {
            object[path: ["metadata", "finalizers"]] = .array(current + [.string(name)])
        }
        return object
    }

    static func holds(_ object: JSON) -> Bool {
        object[path: ["metadata", "finalizers"]]?.arrayValue?.contains(.string(name)) == true
    }

    /// The merge patch that lets go: the other finalizers kept as they were, and the
    /// resourceVersion they were read at, so that a finalizer someone added since is not lost
    /// (that write is a 409 and is retried from the newer object).
    static func releasePatch(_ object: JSON) -> JSON {
        let rest = (object[path: ["metadata", "finalizers"]]?.arrayValue ?? []).filter { $0 != .string(name) }
        return ["metadata": [
            "resourceVersion": object[path: ["metadata", "resourceVersion"]] ?? .null,
            "finalizers": rest.isEmpty ? .null : .array(rest),
        ]]
    }
}
