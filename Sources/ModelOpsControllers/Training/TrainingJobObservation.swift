/// What a backend read from its workload and the pods it runs, in the terms a TrainingJob's
/// status uses. Backends differ in how they say it (Job conditions, PyTorchJob replica
/// statuses); the reconciler sees only this.
public struct TrainingJobObservation: Sendable, Equatable {
    public enum State: Sendable, Equatable {
        /// No trainer container runs. `waiting` is why, when something says: the scheduler's
        /// Unschedulable message, an image pull failing.
        case pending(waiting: Waiting?)
        /// A trainer container runs.
        case running
        /// The workload reports success.
        case succeeded
        /// The workload reports failure, e.g. BackoffLimitExceeded or DeadlineExceeded.
        case failed(reason: String, message: String)
    }

    /// Why a pod does not run yet.
    public struct Waiting: Sendable, Equatable {
        /// `Unschedulable`, `ImagePullBackOff`, …
        public var reason: String
        public var message: String

        public init(reason: String, message: String) {
            self.reason = reason
            self.message = message
        }
    }

    /// An attempt that ended: which pod, its exit code and termination message.
    public struct Attempt: Sendable, Equatable {
        public var pod: String
        public var exitCode: Int?
        public var terminationMessage: String?

        public init(pod: String, exitCode: Int?, terminationMessage: String?) {
            self.pod = pod
            self.exitCode = exitCode
            self.terminationMessage = terminationMessage
        }
    }

    public var state: State
    /// Attempts started so far (pods, plus container restarts under restartPolicy OnFailure).
    public var attempts: Int
    /// The pod running now, if any.
    public var runningPod: String?
    /// The successful attempt (whose termination message holds the results), once succeeded.
    public var result: Attempt?
    /// The newest failed attempt.
    public var lastFailure: Attempt?
    /// Digest of the trainer image the newest pod ran (`sha256:…`), from the kubelet's imageID.
    public var imageDigest: String?

    public init(state: State, attempts: Int, runningPod: String? = nil, result: Attempt? = nil,
                lastFailure: Attempt? = nil, imageDigest: String? = nil) {
        self.state = state
        self.attempts = attempts
        self.runningPod = runningPod
        self.result = result
        self.lastFailure = lastFailure
        self.imageDigest = imageDigest
    }

    /// Whether the workload has ended (succeeded or failed).
    public var isFinished: Bool {
        switch state {
        case .succeeded, .failed: return true
        case .pending, .running: return false
        }
    }
}
