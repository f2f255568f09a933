import KubeClient

/// The list-then-watch loop's state and its transitions, as a pure function (kube-rs' watcher
/// `State`, stepped by `step`). `Reflector` does the I/O of the phase it is in, hands what came
/// of it to `step`, and does what the transition says: the 410, relist, bookmark and refusal
/// paths are decided here and can be tested without a server. How long a wait lasts is the
/// backoff's business (`ReconnectBackoff`), a separate layer: a transition only says whether to
/// wait and whether a server's Retry-After may lengthen the wait.
struct ReflectorState: Sendable, Equatable {
    enum Phase: Sendable, Equatable {
        case list
        case watch(from: String)
        /// The server does not serve the kind (`absentKindRecheck`): the cache is empty until a
        /// later list finds it.
        case absent
    }

    /// What the I/O of a phase came to.
    enum Outcome: Sendable {
        case listed(resourceVersion: String)
        case listFailed(KubeError)
        /// The absent kind's recheck time came.
        case recheckDue
        /// The server ended the watch normally (its timeout, a dropped connection). `progress`
        /// holds where the watch got to.
        case watchEnded(WatchProgress)
        case watchFailed(KubeError, WatchProgress)
    }

    /// How far a watch got: the last resourceVersion seen (event or bookmark) and whether it
    /// delivered an object event.
    struct WatchProgress: Sendable, Equatable {
        var resourceVersion: String
        var delivered = false

        init(from resourceVersion: String) {
            self.resourceVersion = resourceVersion
        }

        /// A bookmark moves the resume point without delivering anything; an empty one does not.
        mutating func bookmark(_ resourceVersion: String) {
            if !resourceVersion.isEmpty { self.resourceVersion = resourceVersion }
        }

        /// An object the type cannot represent: skipped, but the watch is past it.
        mutating func skipped(_ resourceVersion: String) {
            if !resourceVersion.isEmpty { self.resourceVersion = resourceVersion }
        }

        mutating func delivered(_ resourceVersion: String) {
            if !resourceVersion.isEmpty { self.resourceVersion = resourceVersion }
            delivered = true
        }
    }

    /// What to do before the next phase.
    enum Wait: Sendable, Equatable {
        case none
        /// The backoff's next delay.
        case backoff
        /// The backoff's next delay, or the server's Retry-After when that is longer.
        case backoffOrRetryAfter
    }

    /// One step: the next phase, the wait before it, and the failure to report (if any).
    struct Transition: Sendable {
        var next: Phase
        var wait: Wait = .none
        var failure: (phase: InformerFailure.Phase, error: KubeError)?
        /// The list to deliver is empty because the kind is absent.
        var deliversEmptyList = false

        /// How the failure is recovered from, once the wait's length is known.
        func recovery(after delay: Duration) -> InformerFailure.Recovery {
            switch (next, wait) {
            case (.watch, _): .rewatch(after: delay)
            case (_, .none): .relist
            default: .relistAfter(delay)
            }
        }
    }

    private(set) var phase: Phase = .list
    /// Lists completed; every one after the first is a relist.
    private(set) var lists = 0
    /// 410s on watches that delivered nothing since the last list: a server that keeps
    /// answering 410 gets the backoff instead of a hot relist loop.
    private(set) var emptyGone = 0
    /// Whether a 404 on the list means "not served here" (`InformerOptions.absentKindRecheck`).
    let absentKindRecheck: Bool

    init(absentKindRecheck: Bool = false) {
        self.absentKindRecheck = absentKindRecheck
    }

    /// Moves to the next phase for what came of the current one.
    mutating func step(_ outcome: Outcome) -> Transition {
        let transition = Self.transition(from: phase, emptyGone: emptyGone, absentKindRecheck: absentKindRecheck, outcome)
        switch outcome {
        case .listed: lists += 1
        case .listFailed where transition.deliversEmptyList: lists += 1
        case let .watchEnded(progress) where progress.delivered: emptyGone = 0
        case let .watchFailed(error, progress) where error.isGone: emptyGone = progress.delivered ? 0 : emptyGone + 1
        case let .watchFailed(_, progress) where progress.delivered: emptyGone = 0
        default: break
        }
        phase = transition.next
        return transition
    }

    static func transition(from phase: Phase, emptyGone: Int, absentKindRecheck: Bool, _ outcome: Outcome) -> Transition {
        switch outcome {
        case let .listed(resourceVersion):
            return Transition(next: .watch(from: resourceVersion))
        case let .listFailed(error):
            if absentKindRecheck, error.code == 404 {
                return Transition(next: .absent, deliversEmptyList: true)
            }
            return Transition(next: .list, wait: .backoffOrRetryAfter, failure: (.list, error))
        case .recheckDue:
            return Transition(next: .list)
        case let .watchEnded(progress):
            // Resumed from the last resourceVersion seen, event or bookmark: no relist, no wait.
            return Transition(next: .watch(from: progress.resourceVersion))
        case let .watchFailed(error, progress):
            if error.isGone {
                // History gone (compaction, an API server restart): relist at once, unless the
                // watches since the last list keep getting 410 with nothing delivered.
                let gone = progress.delivered ? 0 : emptyGone + 1
                return Transition(next: .list, wait: gone < 2 ? .none : .backoff, failure: (.watch, error))
            }
            if case .api = error {
                // Refused (429, 5xx, 403…): nothing was missed, resume where we were.
                return Transition(next: .watch(from: progress.resourceVersion), wait: .backoffOrRetryAfter, failure: (.watch, error))
            }
            // A broken stream: what was missed is unknown, so relist after the backoff.
            return Transition(next: .list, wait: .backoff, failure: (.watch, error))
        }
    }
}
