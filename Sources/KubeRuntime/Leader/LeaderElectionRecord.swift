import KubeCore

/// What a Lease's spec says about leadership (client-go's `resourcelock.LeaderElectionRecord`).
///
/// Times are kept as the text the server returned: the elector never trusts another
/// process's clock, it only notices that the record *changed*, so equality of the raw values is
/// all it needs.
public struct LeaderElectionRecord: Sendable, Hashable {
    /// Empty when nobody holds the lease (after a release).
    public var holderIdentity: String
    public var leaseDurationSeconds: Int
    public var acquireTime: String?
    public var renewTime: String?
    public var leaseTransitions: Int

    public init(holderIdentity: String, leaseDurationSeconds: Int, acquireTime: String?, renewTime: String?,
                leaseTransitions: Int) {
        self.holderIdentity = holderIdentity
        self.leaseDurationSeconds = leaseDurationSeconds
        self.acquireTime = acquireTime
        self.renewTime = renewTime
        self.leaseTransitions = leaseTransitions
    }

    /// From a Lease's `spec` (missing fields as client-go's zero values).
    init(leaseSpec spec: JSON?) {
        holderIdentity = spec?["holderIdentity"]?.stringValue ?? ""
        leaseDurationSeconds = Int(spec?["leaseDurationSeconds"]?.intValue ?? 0)
        acquireTime = spec?["acquireTime"]?.stringValue
        renewTime = spec?["renewTime"]?.stringValue
        leaseTransitions = Int(spec?["leaseTransitions"]?.intValue ?? 0)
    }

    /// Writes this record into `spec`, keeping fields the elector does not own (strategy,
    /// preferredHolder) as they were.
    func apply(to spec: JSON?) -> JSON {
        var spec: JSON = spec.flatMap { $0.objectValue != nil ? $0 : nil } ?? [:]
        spec["holderIdentity"] = .string(holderIdentity)
        spec["leaseDurationSeconds"] = .int(Int64(leaseDurationSeconds))
        spec["acquireTime"] = acquireTime.map(JSON.string)
        spec["renewTime"] = renewTime.map(JSON.string)
        spec["leaseTransitions"] = .int(Int64(leaseTransitions))
        return spec
    }
}
