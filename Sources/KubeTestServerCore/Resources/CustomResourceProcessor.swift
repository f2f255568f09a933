import KubeCore

/// Schema-driven processing of one custom resource version: pruning, defaulting, validation
/// (structural schema + CEL), and how its lists merge for patches and server-side apply.
public struct CustomResourceProcessor: Sendable {
    /// Removes unknown fields; returns their paths for warnings or a strict refusal.
    public var prune: @Sendable (inout JSON) -> [String]
    public var applyDefaults: @Sendable (inout JSON) -> Void
    /// Validates the new object against the old one (nil on create).
    public var validate: @Sendable (JSON, JSON?) -> [FieldError]
    public var mergeSchema: MergeSchema
}
