import KubeClient
import KubeCore
import ModelOpsAPI

/// Applies the children of a primary object with server-side apply under one field manager,
/// skipping the request when the observed child already carries the fingerprint of the same
/// configuration (see `SpecHash`). Apply is forced: these objects are the operator's, and a
/// conflict with another manager means someone edited a field we own.
public struct ChildApplier: Sendable {
    public let fieldManager: String

    public init(fieldManager: String = "modelops") {
        self.fieldManager = fieldManager
    }

    /// `desired` with the fingerprint annotation set, as it is sent.
    public func stamped(_ desired: JSON) -> JSON {
        var object = desired
        object[path: ["metadata", "annotations", SpecHash.annotation]] = nil
        let hash = SpecHash.of(object)
        object[path: ["metadata", "annotations", SpecHash.annotation]] = .string(hash)
        return object
    }

    /// Whether `observed` was last applied from exactly `desired`.
    public func isCurrent(_ desired: JSON, observed: JSON?) -> Bool {
        isCurrent(stamped: stamped(desired), observed: observed)
    }

    func isCurrent(stamped: JSON, observed: JSON?) -> Bool {
        guard let observed else { return false }
        let path = ["metadata", "annotations", SpecHash.annotation]
        return observed[path: path] == stamped[path: path] && observed[path: ["metadata", "deletionTimestamp"]] == nil
    }

    /// Applies `desired` unless `observed` is current; returns the server's object, or nil when
    /// nothing was sent.
    @discardableResult
    public func apply(_ desired: JSON, to resource: ResourceClient<JSON>, observed: JSON?) async throws(KubeError) -> JSON? {
        let object = stamped(desired)
        guard !isCurrent(stamped: object, observed: observed) else { return nil }
        return try await send(object, to: resource)
    }

    /// Applies `desired` unless `observed` is current *and* still holds every field `desired`
    /// sets: a child cached whole can be compared field by field, so a hand edit of a field we
    /// own (a route's weight) is reverted even though the fingerprint annotation is unchanged.
    @discardableResult
    public func applyRestoringDrift(_ desired: JSON, to resource: ResourceClient<JSON>, observed: JSON?) async throws(KubeError) -> JSON? {
        let object = stamped(desired)
        if isCurrent(stamped: object, observed: observed), let observed, Self.holds(desired["spec"] ?? [:], in: observed["spec"] ?? [:]) {
            return nil
        }
        return try await send(object, to: resource)
    }

    /// Whether every field `desired` sets has the same value in `observed`: objects key by key
    /// (fields the server defaulted or others own may be added), lists element by element with
    /// the same length, scalars equal.
    public static func holds(_ desired: JSON, in observed: JSON) -> Bool {
        switch (desired, observed) {
        case let (.object(want), .object(have)):
            return want.allSatisfy { key, value in have[key].map { holds(value, in: $0) } ?? false }
        case let (.array(want), .array(have)):
            return want.count == have.count && zip(want, have).allSatisfy { holds($0, in: $1) }
        default:
            return desired == observed
        }
    }

    /// Sends a child already `stamped` by server-side apply, current or not.
    func send(_ stamped: JSON, to resource: ResourceClient<JSON>) async throws(KubeError) -> JSON {
        guard let name = stamped[path: ["metadata", "name"]]?.stringValue else {
            throw KubeError.decoding("child object has no metadata.name")
        }
        return try await resource.apply(stamped, name: name, fieldManager: fieldManager, force: true)
    }
}
