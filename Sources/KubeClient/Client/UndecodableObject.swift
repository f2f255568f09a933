/// An object the server sent that the client's type cannot represent: which one, and why.
///
/// Lists and watches skip such an object and say so, rather than fail: one odd object (a
/// custom resource written by a newer version of its CRD, a field our type is stricter about
/// than the server) must not blind a controller to all the others, nor make an informer relist
/// forever. client-go is as liberal: it never requires what a real server leaves out.
public struct UndecodableObject: Sendable, Equatable, CustomStringConvertible {
    public var kind: String
    public var namespace: String
    public var name: String
    public var resourceVersion: String
    /// Where in the object decoding failed and how (`data.key: expected String, found a number`).
    public var reason: String

    public init(kind: String, namespace: String, name: String, resourceVersion: String, reason: String) {
        self.kind = kind
        self.namespace = namespace
        self.name = name
        self.resourceVersion = resourceVersion
        self.reason = reason
    }

    /// `namespace/name`, or `name` for a cluster-scoped object.
    public var key: String { namespace.isEmpty ? name : "\(namespace)/\(name)" }

    public var description: String { "\(kind) \(key) (resourceVersion \(resourceVersion)): \(reason)" }

    /// A decoding error told briefly: the path inside the object, then what was wrong.
    static func reason(_ error: any Error, droppingPrefix prefix: Int = 0) -> String {
        guard let error = error as? DecodingError else { return "\(error)" }
        let context: DecodingError.Context
        let what: String
        switch error {
        case let .typeMismatch(type, c): context = c; what = "expected \(type)"
        case let .valueNotFound(type, c): context = c; what = "expected \(type), found null"
        case let .keyNotFound(key, c): context = c; what = "missing \(key.stringValue)"
        case let .dataCorrupted(c): context = c; what = "corrupted"
        @unknown default: return "\(error)"
        }
        let path = context.codingPath.dropFirst(prefix).map { key in
            key.intValue.map { "[\($0)]" } ?? ".\(key.stringValue)"
        }.joined()
        let location = path.hasPrefix(".") ? String(path.dropFirst()) : path
        let detail = context.debugDescription.isEmpty ? what : "\(what): \(context.debugDescription)"
        return location.isEmpty ? detail : "\(location): \(detail)"
    }
}
