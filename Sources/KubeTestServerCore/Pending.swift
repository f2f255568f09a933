// TEMPORARY: signatures of the patch/apply engine being written in parallel; replaced at merge.
import KubeCore

public struct PatchError: Error, Sendable { public var message: String }
public struct MergeSchema: Sendable {
    public init(openAPIV3Schema: JSON) {}
    public static func builtin(group: String, kind: String) -> MergeSchema { MergeSchema(openAPIV3Schema: .null) }
}
public enum JSONPatch { public static func apply(_ patch: JSON, to: JSON) throws(PatchError) -> JSON { to } }
public enum MergePatch { public static func apply(_ patch: JSON, to: JSON) -> JSON { to } }
public enum StrategicMergePatch { public static func apply(_ patch: JSON, to: JSON, schema: MergeSchema) throws(PatchError) -> JSON { to } }
public struct ManagedFieldsEntry: Sendable, Equatable {
    public init?(json: JSON) { return nil }
    public var json: JSON { .null }
}
public struct ApplyConflict: Error, Sendable { public var message: String; public var conflicts: [(manager: String, field: String)] }
public enum FieldManager {
    public static func update(old: JSON?, new: JSON, managedFields: [ManagedFieldsEntry], manager: String, apiVersion: String,
                              subresource: String?, time: String, schema: MergeSchema, statusIsSubresource: Bool) -> [ManagedFieldsEntry] { managedFields }
    public static func apply(live: JSON?, config: JSON, managedFields: [ManagedFieldsEntry], manager: String, apiVersion: String,
                             force: Bool, subresource: String?, time: String, schema: MergeSchema, statusIsSubresource: Bool)
        throws(ApplyConflict) -> (object: JSON, managedFields: [ManagedFieldsEntry]) { (config, managedFields) }
}
