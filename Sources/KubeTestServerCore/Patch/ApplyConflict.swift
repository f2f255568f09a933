import KubeCore

/// A server-side apply that would change fields another manager owns, without `force`. The
/// server answers 409 Conflict with `message` and one `FieldManagerConflict` cause per entry
/// (`message: conflict with "team-a"`, `field: .spec.replicas`).
public struct ApplyConflict: Error, Sendable, Equatable {
    public struct Conflict: Sendable, Equatable {
        /// How the owner is named in messages: `"team-a"`, or `"kubectl" using apps/v1` for updaters.
        public var manager: String
        /// `.spec.replicas`, `.spec.containers[name="model"].image`
        public var field: String
        /// The cause message: `conflict with "team-a"`.
        public var causeMessage: String { "conflict with \(manager)" }
    }

    public var conflicts: [Conflict]

    public init(conflicts: [Conflict]) { self.conflicts = conflicts }

    /// `Apply failed with 1 conflict: conflict with "team-a": .spec.replicas`, or for several:
    /// `Apply failed with 2 conflicts: conflicts with "a":\n- .spec.x\nconflicts with "b":\n- .spec.y`
    /// (apimachinery's `getConflictMessage`: managers sorted, paths in order under each).
    public var message: String {
        if conflicts.count == 1, let c = conflicts.first {
            return "Apply failed with 1 conflict: conflict with \(c.manager): \(c.field)"
        }
        var byManager: [String: [String]] = [:]
        for c in conflicts { byManager[c.manager, default: []].append(c.field) }
        var lines: [String] = []
        for manager in byManager.keys.sorted() {
            lines.append("conflicts with \(manager):")
            for field in byManager[manager] ?? [] { lines.append("- \(field)") }
        }
        return "Apply failed with \(conflicts.count) conflicts: " + lines.joined(separator: "\n")
    }
}
