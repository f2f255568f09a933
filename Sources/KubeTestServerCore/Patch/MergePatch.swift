import KubeCore

/// RFC 7386 JSON merge patch (`application/merge-patch+json`): objects merge recursively, `null`
/// deletes a member, anything else (arrays included) replaces the target wholesale. It never
/// fails: every JSON value is a valid merge patch.
public enum MergePatch {
    public static func apply(_ patch: JSON, to target: JSON) -> JSON {
        guard case let .object(patchMembers) = patch else { return patch }
        var result: [String: JSON] = target.objectValue ?? [:]
        for (key, value) in patchMembers {
            if value.isNull {
                result[key] = nil
            } else {
                result[key] = apply(value, to: result[key] ?? .null)
            }
        }
        return .object(result)
    }
}
