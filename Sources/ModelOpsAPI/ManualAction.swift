import Foundation

/// A request a person (or `modelops promote|abort|retry`) makes of a running rollout, written as
/// the `modelops.io/action` annotation: `promote`, `promote-full`, `abort` or `retry`, optionally
/// followed by `/<token>` so that the same action can be asked twice. The controller acts on a
/// value once and remembers it in `status.lastAction`; it never edits the annotation or the spec.
public struct ManualAction: Sendable, Hashable {
    public static let annotation = WireContract.Annotations.action

    public enum Kind: String, Sendable, CaseIterable {
        case promote
        case promoteFull = "promote-full"
        case abort
        case retry
    }

    public var kind: Kind
    /// The whole annotation value, recorded in status once consumed.
    public var value: String

    /// Parses an annotation value; nil for an empty or unknown action (reported by the caller).
    public init?(annotation value: String) {
        let head = value.split(separator: "/", maxSplits: 1).first.map(String.init) ?? ""
        guard let kind = Kind(rawValue: head.trimmingCharacters(in: .whitespaces).lowercased()) else { return nil }
        self.kind = kind
        self.value = value
    }
}
