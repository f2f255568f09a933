import KubeCore

/// What a RetrainPolicy did.
public struct RetrainPolicyStatus: Sendable, Hashable, Codable {
    /// What started the latest run.
    public struct LastTrigger: Sendable, Hashable, Codable {
        /// Schedule, Metric, DataVersion or Manual.
        public var type: RunTrigger

        /// Details, e.g. "drift_score 0.31 > 0.2 for 15m".
        public var reason: String?

        /// When it fired.
        public var time: KubeTime

        /// The TrainingJob it created.
        public var trainingJob: String?

        public init(type: RunTrigger, reason: String? = nil, time: KubeTime, trainingJob: String? = nil) {
            self.type = type
            self.reason = reason
            self.time = time
            self.trainingJob = trainingJob
        }
    }

    /// A running TrainingJob.
    public struct ActiveTrainingJob: Sendable, Hashable, Codable {
        /// Its name.
        public var name: String

        /// Its uid.
        public var uid: String?

        public init(name: String, uid: String? = nil) {
            self.name = name
            self.uid = uid
        }
    }

    /// A run that succeeded and validated.
    public struct SuccessfulRun: Sendable, Hashable, Codable {
        /// The TrainingJob.
        public var trainingJob: String

        /// The model version produced.
        public var version: String?

        /// Where the model is.
        public var uri: String?

        /// When it finished.
        public var completionTime: KubeTime?

        public init(
            trainingJob: String,
            version: String? = nil,
            uri: String? = nil,
            completionTime: KubeTime? = nil
        ) {
            self.trainingJob = trainingJob
            self.version = version
            self.uri = uri
            self.completionTime = completionTime
        }
    }

    /// The promoted model.
    public struct PromotedModel: Sendable, Hashable, Codable {
        /// Model name.
        public var name: String?

        /// Model version.
        public var version: String

        /// Where the model is.
        public var uri: String

        /// The TrainingJob that produced it.
        public var trainingJob: String?

        /// When it was promoted.
        public var time: KubeTime?

        /// The MLflow model version `spec.registry.mlflow.alias` was moved to for it.
        public var registryVersion: String?

        /// Set once `spec.registry.mlflow.servedAlias` was moved to `registryVersion` (the
        /// ModelDeployment served the model to all traffic).
        public var servedAliasVersion: String?

        /// The alias `servedAliasVersion` is for: a renamed `servedAlias` is moved again.
        public var servedAlias: String?

        public init(
            name: String? = nil,
            version: String,
            uri: String,
            trainingJob: String? = nil,
            time: KubeTime? = nil
        ) {
            self.name = name
            self.version = version
            self.uri = uri
            self.trainingJob = trainingJob
            self.time = time
        }
    }

    /// What the operator remembers about one trigger.
    public struct TriggerStatus: Sendable, Hashable, Codable {
        /// Index of the trigger in spec.triggers.
        public var index: Int

        /// DataVersion: the last value seen.
        public var observedDataVersion: String?

        /// Metric: since when the threshold has been crossed.
        public var breachingSince: KubeTime?

        /// Metric: the query result when the trigger last changed state (started or stopped
        /// breaching, or fired); not rewritten on every evaluation, so a steady metric costs no writes.
        public var lastValue: Double?

        /// When this trigger last started a run.
        public var lastFired: KubeTime?

        public init(
            index: Int,
            observedDataVersion: String? = nil,
            breachingSince: KubeTime? = nil,
            lastValue: Double? = nil,
            lastFired: KubeTime? = nil
        ) {
            self.index = index
            self.observedDataVersion = observedDataVersion
            self.breachingSince = breachingSince
            self.lastValue = lastValue
            self.lastFired = lastFired
        }
    }

    /// The metadata.generation this status describes.
    public var observedGeneration: Int64?

    /// When a scheduled run last started.
    public var lastScheduleTime: KubeTime?

    /// When the next scheduled run is due.
    public var nextScheduleTime: KubeTime?

    /// What started the latest run.
    public var lastTrigger: LastTrigger?

    /// Running TrainingJobs of this policy, keyed by name.
    public var active: [ActiveTrainingJob]?

    /// Number of entries in active (for kubectl get).
    public var activeCount: Int?

    /// The latest run that succeeded and validated.
    public var lastSuccessful: SuccessfulRun?

    /// The model that following ModelDeployments serve.
    public var promoted: PromotedModel?

    /// Scheduled runs skipped (concurrency, deadline, suspension).
    public var missedRuns: Int64?

    /// The latest schedule slot that did not run (skipped or missed). With lastScheduleTime it
    /// marks how far the schedule has been accounted for, so no slot is counted twice.
    public var lastMissedScheduleTime: KubeTime?

    /// The `modelops.io/retrain` annotation value last acted on; a new value starts one run.
    public var lastRetrainRequest: String?

    /// The `modelops.io/promote` annotation value (a TrainingJob name) last acted on.
    public var lastPromoteRequest: String?

    /// Per-trigger memory, keyed by index in spec.triggers.
    public var triggerStatuses: [TriggerStatus]?

    /// Ready, Suspended, Promoted.
    public var conditions: [Condition]?

    public init(
        observedGeneration: Int64? = nil,
        lastScheduleTime: KubeTime? = nil,
        nextScheduleTime: KubeTime? = nil,
        lastTrigger: LastTrigger? = nil,
        active: [ActiveTrainingJob]? = nil,
        activeCount: Int? = nil,
        lastSuccessful: SuccessfulRun? = nil,
        promoted: PromotedModel? = nil,
        missedRuns: Int64? = nil,
        lastMissedScheduleTime: KubeTime? = nil,
        lastRetrainRequest: String? = nil,
        lastPromoteRequest: String? = nil,
        triggerStatuses: [TriggerStatus]? = nil,
        conditions: [Condition]? = nil
    ) {
        self.observedGeneration = observedGeneration
        self.lastScheduleTime = lastScheduleTime
        self.nextScheduleTime = nextScheduleTime
        self.lastTrigger = lastTrigger
        self.active = active
        self.activeCount = activeCount
        self.lastSuccessful = lastSuccessful
        self.promoted = promoted
        self.missedRuns = missedRuns
        self.lastMissedScheduleTime = lastMissedScheduleTime
        self.lastRetrainRequest = lastRetrainRequest
        self.lastPromoteRequest = lastPromoteRequest
        self.triggerStatuses = triggerStatuses
        self.conditions = conditions
    }
}
