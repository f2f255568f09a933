import Foundation
import KubeClient

/// How a `LeaderElector` competes for its Lease. Defaults are client-go's and
/// controller-runtime's: 15 s lease, 10 s renew deadline, 2 s retry period.
public struct LeaderElectionConfig: Sendable {
    /// The Lease's namespace and name (controller-runtime: the manager's LeaderElectionID).
    public var namespace: String
    public var leaseName: String
    /// This candidate's identity, unique among candidates (client-go: hostname + "_" + UUID).
    public var identity: String
    /// How long a non-leader waits, from the last change it *observed* in the record, before it
    /// may take over. Written to the Lease as whole seconds (at least 1).
    public var leaseDuration: Duration = .seconds(15)
    /// How long the leader keeps retrying a failed renewal before it gives leadership up.
    public var renewDeadline: Duration = .seconds(10)
    /// The pause between attempts (acquiring: jittered up to ×1.2, like client-go).
    public var retryPeriod: Duration = .seconds(2)
    /// On a clean shutdown (the running task cancelled), hand the Lease back at once: holder
    /// empty and leaseDurationSeconds 1, so a successor needs no full lease duration.
    public var releaseOnCancel = true
    /// Monotonic time for every timing decision (expiry, deadlines, pauses).
    public var time: TimeSource = .continuous
    /// Wall-clock time written to the Lease's acquireTime/renewTime, never used to decide.
    public var wallClock: @Sendable () -> Date = { Date() }
    /// A number in [0, 1) for the acquire jitter; injectable for deterministic tests.
    public var random: @Sendable () -> Double = { Double.random(in: 0..<1) }

    public init(namespace: String, leaseName: String, identity: String) {
        self.namespace = namespace
        self.leaseName = leaseName
        self.identity = identity
    }

    /// client-go's JitterFactor: acquire attempts are spaced retryPeriod·[1, 1.2).
    static let jitterFactor = 1.2

    /// A default identity: host name plus a random suffix, as client-go's callers build it.
    public static func defaultIdentity() -> String {
        ProcessInfo.processInfo.hostName + "_" + UUID().uuidString.lowercased()
    }

    /// `leaseDuration` in the Lease's whole seconds, rounded up so it is never shorter.
    var leaseDurationSeconds: Int {
        let (seconds, attoseconds) = leaseDuration.components
        return max(1, Int(seconds) + (attoseconds > 0 ? 1 : 0))
    }

    /// client-go's checks, so that a leader always gives up before anyone may take over.
    func validate() throws(LeaderElectionConfigError) {
        guard !namespace.isEmpty, !leaseName.isEmpty else { throw .invalid("lease namespace and name must not be empty") }
        guard !identity.isEmpty else { throw .invalid("identity must not be empty") }
        guard leaseDuration > .zero, renewDeadline > .zero, retryPeriod > .zero else {
            throw .invalid("leaseDuration, renewDeadline and retryPeriod must be greater than zero")
        }
        guard leaseDuration > renewDeadline else { throw .invalid("leaseDuration must be greater than renewDeadline") }
        guard renewDeadline > retryPeriod * Self.jitterFactor else {
            throw .invalid("renewDeadline must be greater than retryPeriod*JitterFactor")
        }
    }
}

public enum LeaderElectionConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalid(String)

    public var description: String {
        switch self {
        case let .invalid(message): return message
        }
    }
}
