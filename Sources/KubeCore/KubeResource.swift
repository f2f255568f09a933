/// A kind stored by the API server, with the type information (TypeMeta) the client needs to
/// build its URL and the `apiVersion`/`kind` every object carries on the wire.
///
/// Conforming types keep `apiVersion` and `kind` as stored properties too, so that a decoded
/// object re-encodes with them; `init` defaults them from these statics.
public protocol KubeResource: Codable, Sendable {
    /// API group, empty for the core group (`""`, `apps`, `modelops.io`).
    static var group: String { get }
    static var version: String { get }
    static var kind: String { get }
    /// Lower-case plural used in URLs (`modeldeployments`).
    static var plural: String { get }
    static var namespaced: Bool { get }

    var apiVersion: String { get set }
    var kind: String { get set }
    var metadata: ObjectMeta { get set }
}

extension KubeResource {
    /// `group/version`, or just `version` for the core group.
    public static var apiVersion: String { group.isEmpty ? version : "\(group)/\(version)" }
    public static var namespaced: Bool { true }
}
