import KubeCore

/// When to retrain, how, and what to do with the result.
public struct RetrainPolicySpec: Sendable, Hashable, Codable {
    /// What happens to a Validated model.
    public enum Promotion: String, Sendable, Hashable, Codable, CaseIterable {
        /// Promoted at once; following ModelDeployments roll it out.
        case automatic = "Automatic"
        /// Waits for kubectl modelops promote.
        case manual = "Manual"
    }

    /// What to do when a run is due while another is active (as CronJob).
    public enum ConcurrencyPolicy: String, Sendable, Hashable, Codable, CaseIterable {
        /// Skip the new run (counted in status.missedRuns when scheduled).
        case forbid = "Forbid"
        /// Stop the active run and start the new one.
        case replace = "Replace"
        /// Run both.
        case allow = "Allow"
    }

    /// The ModelDeployment whose model this policy retrains.
    public var modelDeploymentRef: LocalObjectReference

    /// Cron schedule ("0 2 * * *") or macro (@daily).
    public var schedule: String

    /// IANA time zone of the schedule; default "UTC".
    public var timeZone: String?

    /// Conditions that start a run outside the schedule.
    public var triggers: [RetrainTrigger]?

    /// The TrainingJob each run creates.
    public var trainingJobTemplate: TrainingJobTemplate

    /// Automatic (default) or Manual.
    public var promotion: Promotion?

    /// What to do when a run is due while one is active; default Forbid.
    public var concurrencyPolicy: ConcurrencyPolicy?

    /// A scheduled run not started within this many seconds is missed.
    public var startingDeadlineSeconds: Int64?

    /// Stop starting runs; default false.
    public var suspend: Bool?

    /// Successful TrainingJobs to keep; default 3.
    public var successfulHistoryLimit: Int?

    /// Failed TrainingJobs to keep; default 1.
    public var failedHistoryLimit: Int?

    /// Least time between two triggered runs (a Go duration).
    public var cooldown: String?

    /// A registry alias moved to each promoted model (its TrainingJob must register it:
    /// `trainingJobTemplate.spec.tracking.mlflow`).
    public var registry: PromotionRegistry?

    public init(
        modelDeploymentRef: LocalObjectReference,
        schedule: String,
        timeZone: String? = nil,
        triggers: [RetrainTrigger]? = nil,
        trainingJobTemplate: TrainingJobTemplate,
        promotion: Promotion? = nil,
        concurrencyPolicy: ConcurrencyPolicy? = nil,
        startingDeadlineSeconds: Int64? = nil,
        suspend: Bool? = nil,
        successfulHistoryLimit: Int? = nil,
        failedHistoryLimit: Int? = nil,
        cooldown: String? = nil
    ) {
        self.modelDeploymentRef = modelDeploymentRef
        self.schedule = schedule
        self.timeZone = timeZone
        self.triggers = triggers
        self.trainingJobTemplate = trainingJobTemplate
        self.promotion = promotion
        self.concurrencyPolicy = concurrencyPolicy
        self.startingDeadlineSeconds = startingDeadlineSeconds
        self.suspend = suspend
        self.successfulHistoryLimit = successfulHistoryLimit
        self.failedHistoryLimit = failedHistoryLimit
        self.cooldown = cooldown
    }
}
