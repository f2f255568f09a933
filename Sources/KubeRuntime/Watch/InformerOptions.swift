import KubeClient

/// How an informer lists and watches; the defaults are client-go's reflector's.
public struct InformerOptions: Sendable {
    public var labelSelector: String?
    public var fieldSelector: String?
    /// Page size of lists (client-go: 500), so a list of 10,000 objects is never one huge body.
    public var pageSize = 500
    /// Watches ask the server to end after a random time in this range, so that watches of many
    /// clients do not all end, and reconnect, at once (client-go: 5–10 min).
    public var watchTimeoutSeconds: ClosedRange<Int> = 300...600
    public var backoff = ReconnectBackoff()
    /// A list that hits 410 on a continue token (storage compacted mid-list) starts over at once
    /// this many times before the normal backoff applies.
    public var listRestarts = 3
    /// The clock for backoff waits (a manual one in tests).
    public var time: TimeSource = .continuous
    /// Randomness for jitter and watch timeouts, in [0, 1).
    public var random: @Sendable () -> Double = { Double.random(in: 0..<1) }
    /// Called for every failure the informer recovers from (for logs and metrics).
    public var onError: (@Sendable (InformerFailure) -> Void)?
    /// For kinds a cluster may not serve (a CRD of an optional integration, such as the Gateway
    /// API's HTTPRoute): a list answered 404 counts as an empty, synced cache instead of a failure
    /// that holds every controller using it back, and is tried again after this long, so a kind
    /// installed later is picked up. nil: a 404 is a failure like any other.
    public var absentKindRecheck: Duration? = nil
    /// The initial list (and every relist) as a streaming list: one watch with
    /// `sendInitialEvents=true` whose ADDED events are the list, ended by the bookmark annotated
    /// `k8s.io/initial-events-end` (client-go's WatchList, on by default since v0.35; kube-rs'
    /// `streaming_lists`). Objects arrive and are prepared one at a time, and the server sends
    /// them from its watch cache instead of assembling pages. A server that refuses the request
    /// (422 or 400: older than v1.27, or the WatchList feature off) or ends the watch without
    /// that bookmark gets paged lists from then on.
    public var streamingList = false

    public init(labelSelector: String? = nil, fieldSelector: String? = nil) {
        self.labelSelector = labelSelector
        self.fieldSelector = fieldSelector
    }
}

/// A failure the informer recovered from, and what it did about it.
public struct InformerFailure: Sendable, CustomStringConvertible {
    public enum Phase: String, Sendable {
        case list, watch
    }

    public enum Recovery: Sendable, Equatable {
        /// The list starts over at once (410 on a continue token).
        case restartList
        /// Relist at once (410 on the watch).
        case relist
        /// Wait, then watch again from the last resourceVersion.
        case rewatch(after: Duration)
        /// Wait, then relist (a broken stream, or a failed list).
        case relistAfter(Duration)
        /// The server does not stream lists (it refused `sendInitialEvents`, or ended the watch
        /// before the initial-events-end bookmark): paged lists from now on, starting at once.
        case pagedLists
        /// Go on without this object: our type cannot represent it (reported once per version).
        case skipObject(UndecodableObject)
    }

    public var phase: Phase
    public var error: KubeError
    public var recovery: Recovery

    public init(phase: Phase, error: KubeError, recovery: Recovery) {
        self.phase = phase
        self.error = error
        self.recovery = recovery
    }

    public var description: String {
        if case let .skipObject(object) = recovery {
            return "\(phase.rawValue): skipped \(object)"
        }
        return "\(phase.rawValue) failed (\(error)); recovery: \(recovery)"
    }
}
