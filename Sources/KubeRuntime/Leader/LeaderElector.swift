import Foundation
import KubeClient
import KubeCore
import Logging

/// Leader election over a coordination.k8s.io/v1 Lease, the way client-go's `leaderelection`
/// does it, so that a ModelOps manager and client-go based tools agree on who leads.
///
/// - A candidate takes a held Lease only after it has seen the record *unchanged* for the
///   record's leaseDurationSeconds, measured on its own monotonic clock from the moment it
///   observed the last change. Timestamps written by other processes are never trusted, which
///   makes the scheme tolerant of clock skew between nodes.
/// - Every write is optimistic: creating races end in 409 AlreadyExists, updates carry the
///   resourceVersion read and end in 409 Conflict when someone wrote first. Losing such a race
///   simply means not leading this round.
/// - The leader renews every retryPeriod; when renewals keep failing for renewDeadline it stops
///   leading (before any other candidate may take over, since renewDeadline < leaseDuration).
/// - On a clean shutdown the Lease is released (holder empty, leaseDurationSeconds 1), so a
///   successor takes over on its next attempt.
///
/// There is no fencing: as in client-go, work guarded by the lease must stop when
/// `onStartedLeading`'s task is cancelled.
public final class LeaderElector: Sendable {
    public let config: LeaderElectionConfig
    let lock: LeaseLock
    let metrics: RuntimeMetrics?
    let logger: Logger

    struct State {
        /// The record as last read or written, and when (monotonic) it was seen to change.
        var observedRecord: LeaderElectionRecord?
        var observedTime: Duration = .zero
        var reportedLeader = ""
    }

    let state = MutexBox(State())

    public init(client: KubeClient, config: LeaderElectionConfig, metrics: RuntimeMetrics? = nil,
                logger: Logger = Logger(label: "modelops.leader-election")) throws(LeaderElectionConfigError) {
        try config.validate()
        self.config = config
        self.metrics = metrics
        var logger = logger
        logger[metadataKey: "lease"] = "\(config.namespace)/\(config.leaseName)"
        logger[metadataKey: "identity"] = "\(config.identity)"
        self.logger = logger
        lock = LeaseLock(client: client, namespace: config.namespace, name: config.leaseName, identity: config.identity)
        metrics?.setLeader(name: config.leaseName, leading: false)
    }

    /// Whether the last observed record names this candidate as holder.
    public var isLeader: Bool {
        state.get().observedRecord?.holderIdentity == config.identity
    }

    /// The holder in the last observed record; nil before the first observation or when the
    /// lease is released.
    public var observedLeader: String? {
        guard let holder = state.get().observedRecord?.holderIdentity, !holder.isEmpty else { return nil }
        return holder
    }

    /// The record as last read or written.
    public var observedRecord: LeaderElectionRecord? { state.get().observedRecord }

    // MARK: - Running

    /// Competes for the lease until this candidate leads, runs `onStartedLeading` in its own task
    /// while it keeps the lease, and returns when leadership is lost or the calling task is
    /// cancelled. On loss or cancellation the leading task is cancelled and awaited (so guarded
    /// work has finished), the lease is released if `releaseOnCancel` and this was a clean
    /// shutdown, and then `onStoppedLeading` runs. Cancelled before ever leading, it returns
    /// without calling either callback.
    ///
    /// Returns true when leadership was lost (controller-runtime exits the process then: a
    /// fresh start re-syncs its caches), false when cancelled.
    @discardableResult
    public func run(onStartedLeading: @escaping @Sendable () async -> Void,
                    onStoppedLeading: @escaping @Sendable () async -> Void = {},
                    onNewLeader: (@Sendable (String) -> Void)? = nil) async -> Bool {
        guard await acquire(onNewLeader: onNewLeader) else {
            // Cancelled, perhaps just as an attempt succeeded: hand back what we may hold.
            if config.releaseOnCancel, isLeader { _ = await Task { await self.release() }.value }
            return false
        }
        metrics?.setLeader(name: config.leaseName, leading: true)
        logger.info("successfully acquired lease")
        let leading = Task { await onStartedLeading() }
        let lost = await renew(onNewLeader: onNewLeader)
        leading.cancel()
        await leading.value
        metrics?.setLeader(name: config.leaseName, leading: false)
        if !lost, config.releaseOnCancel {
            // The calling task is cancelled, and a cancelled request would not go out: release
            // from a task of its own.
            _ = await Task { await self.release() }.value
        }
        await onStoppedLeading()
        return lost
    }

    /// Tries every retryPeriod (jittered ×[1, 1.2)) until this candidate holds the lease;
    /// false when cancelled first.
    func acquire(onNewLeader: (@Sendable (String) -> Void)?) async -> Bool {
        logger.info("attempting to acquire leader lease")
        while !Task.isCancelled {
            // No time limit on an attempt (client-go has none either): cutting a slow first
            // request short would also cut its connection's TLS handshake, and on a loaded
            // machine every attempt would start over and none would finish.
            let acquired = await withDeadline(nil, time: config.time) { await self.tryAcquireOrRenew() } ?? false
            reportTransition(onNewLeader)
            if acquired, !Task.isCancelled { return true }
            let jitter = 1 + (LeaderElectionConfig.jitterFactor - 1) * max(0, min(1, config.random()))
            do {
                try await config.time.sleep(config.retryPeriod * jitter)
            } catch {
                return false
            }
        }
        return false
    }

    /// Renews every retryPeriod; each renewal may retry (every retryPeriod) until renewDeadline.
    /// Returns true when a renewal missed its deadline (leadership lost), false when cancelled.
    func renew(onNewLeader: (@Sendable (String) -> Void)?) async -> Bool {
        let time = config.time
        while true {
            let deadline = time.now() + config.renewDeadline
            var renewed = false
            while true {
                let remaining = deadline - time.now()
                guard remaining > .zero else { break }
                let result = await withDeadline(remaining, time: time) { await self.tryAcquireOrRenew() }
                if Task.isCancelled { return false }
                if result == true {
                    renewed = true
                    break
                }
                let left = deadline - time.now()
                guard left > .zero else { break }
                do {
                    try await time.sleep(min(config.retryPeriod, left))
                } catch {
                    return false
                }
            }
            reportTransition(onNewLeader)
            guard renewed else {
                logger.warning("failed to renew lease within the renew deadline; stopped leading",
                               metadata: ["renewDeadline": "\(config.renewDeadline)"])
                return true
            }
            do {
                try await time.sleep(config.retryPeriod)
            } catch {
                return false
            }
        }
    }

    private func reportTransition(_ onNewLeader: (@Sendable (String) -> Void)?) {
        let changed: String? = state.withLock { state in
            let holder = state.observedRecord?.holderIdentity ?? ""
            guard holder != state.reportedLeader else { return nil }
            state.reportedLeader = holder
            return holder
        }
        guard let changed, !changed.isEmpty else { return }
        logger.info("new leader observed", metadata: ["leader": "\(changed)"])
        onNewLeader?(changed)
    }

    // MARK: - One round

    /// One attempt to acquire the lease, or renew it when this candidate already holds it
    /// (client-go's `tryAcquireOrRenew`); true when this candidate holds the lease afterwards.
    public func tryAcquireOrRenew() async -> Bool {
        let stamp = MicroTime(config.wallClock()).rfc3339
        let now = config.time.now()
        var record = LeaderElectionRecord(holderIdentity: config.identity, leaseDurationSeconds: config.leaseDurationSeconds,
                                          acquireTime: stamp, renewTime: stamp, leaseTransitions: 0)

        // Fast path: the leader with a still valid lease writes over the object it last wrote,
        // without reading it first. A 409 means someone else wrote: fall back to reading.
        if isLeader, isLeaseValid(at: now), let observed = observedRecord {
            record.acquireTime = observed.acquireTime
            record.leaseTransitions = observed.leaseTransitions
            do {
                try await lock.update(record)
                observe(record, at: now)
                return true
            } catch {
                logger.debug("failed to update lease optimistically, falling back to reading it", metadata: ["error": "\(error)"])
            }
        }

        // 1. Read the record, or create it.
        let old: LeaderElectionRecord
        do {
            old = try await lock.get()
        } catch let error where error.isNotFound {
            do {
                try await lock.create(record)
            } catch {
                // AlreadyExists: another candidate created it first.
                logger.info("error initially creating lease", metadata: ["error": "\(error)"])
                return false
            }
            observe(record, at: now)
            return true
        } catch {
            logger.warning("error retrieving lease", metadata: ["error": "\(error)"])
            return false
        }

        // 2. A changed record restarts the observation clock; a valid foreign lease is respected.
        state.withLock { state in
            if state.observedRecord != old {
                state.observedRecord = old
                state.observedTime = now
            }
        }
        if !old.holderIdentity.isEmpty, isLeaseValid(at: now), !isLeader {
            logger.debug("lease is held and has not yet expired", metadata: ["holder": "\(old.holderIdentity)"])
            return false
        }

        // 3. Take it over or renew it.
        if isLeader {
            record.acquireTime = old.acquireTime
            record.leaseTransitions = old.leaseTransitions
        } else {
            record.leaseTransitions = old.leaseTransitions + 1
        }
        do {
            try await lock.update(record)
        } catch {
            logger.info("failed to update lease", metadata: ["error": "\(error)"])
            return false
        }
        observe(record, at: now)
        return true
    }

    /// Gives the lease up if this candidate holds it: holder empty, leaseDurationSeconds 1, so
    /// any other candidate takes over on its next attempt (client-go's ReleaseOnCancel).
    @discardableResult
    public func release() async -> Bool {
        let result = await withDeadline(config.renewDeadline, time: config.time) { () async -> Bool in
            do {
                let current = try await self.lock.get()
                guard current.holderIdentity == self.config.identity else { return true }
                let stamp = MicroTime(self.config.wallClock()).rfc3339
                let released = LeaderElectionRecord(holderIdentity: "", leaseDurationSeconds: 1, acquireTime: stamp,
                                                    renewTime: stamp, leaseTransitions: current.leaseTransitions)
                try await self.lock.update(released)
                self.observe(released, at: self.config.time.now())
                self.logger.info("released lease")
                return true
            } catch {
                self.logger.warning("failed to release lease", metadata: ["error": "\(error)"])
                return false
            }
        }
        return result ?? false
    }

    // MARK: - Bookkeeping

    private func observe(_ record: LeaderElectionRecord, at time: Duration) {
        state.withLock { state in
            state.observedRecord = record
            state.observedTime = time
        }
    }

    /// Whether the observed record is within its lease duration, counted from when this
    /// candidate observed it (not from its renewTime).
    private func isLeaseValid(at now: Duration) -> Bool {
        let (record, observedTime) = state.withLock { ($0.observedRecord, $0.observedTime) }
        guard let record else { return false }
        return observedTime + .seconds(record.leaseDurationSeconds) > now
    }
}
