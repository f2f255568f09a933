import KubeCore

/// One event of a watch. ERROR events do not appear here: they end the stream with
/// `KubeError.api(status)` (410 Expired means: relist).
public enum WatchEvent<Object: Sendable>: Sendable {
    case added(Object)
    case modified(Object)
    case deleted(Object)
    /// Progress without a change: the resourceVersion to resume from.
    case bookmark(resourceVersion: String, initialEventsEnd: Bool)
    /// A change to an object our type cannot represent: skipped, the watch goes on (its
    /// resourceVersion is still progress).
    case undecodable(UndecodableObject)

    public var object: Object? {
        switch self {
        case let .added(o), let .modified(o), let .deleted(o): return o
        case .bookmark, .undecodable: return nil
        }
    }
}

/// A watch event with the tree its object was read from: nil for bookmarks, objects that did
/// not decode, and clients that keep no trees (`ResourceClient.watchWithSources`).
public struct SourcedWatchEvent<Object: Sendable>: Sendable {
    public var event: WatchEvent<Object>
    public var source: JSON?

    public init(_ event: WatchEvent<Object>, source: JSON? = nil) {
        self.event = event
        self.source = source
    }
}

/// Decoding of watch lines: `{"type": "...", "object": {...}}`.
enum WatchLineDecoder {
    /// `source`: what the object's tree is kept as beside it (typed kinds: with type meta).
    static func decode<Object: Sendable>(_ line: ArraySlice<UInt8>, kind: String,
                                         object decodeObject: (JSON) throws -> Object,
                                         source: ((JSON) -> JSON)? = nil,
                                         dropsManagedFields: Bool = false) throws(KubeError) -> SourcedWatchEvent<Object> {
        let json: JSON
        do {
            json = try dropsManagedFields ? JSON.parse(line, droppingManagedFieldsOf: .watchEvent) : JSON.parse(line)
        } catch {
            throw KubeError.decoding("watch event is not JSON: \(error.message)")
        }
        let type = json["type"]?.stringValue ?? ""
        let object = json["object"] ?? .null
        if type == "ERROR" {
            let status = (try? object.decode(as: Status.self)) ?? Status.synthesized(code: 500, body: object.serialized())
            throw KubeError.api(status)
        }
        if type == "BOOKMARK" {
            let rv = object[path: ["metadata", "resourceVersion"]]?.stringValue ?? ""
            let end = object[path: ["metadata", "annotations", "k8s.io/initial-events-end"]]?.stringValue == "true"
            return SourcedWatchEvent(.bookmark(resourceVersion: rv, initialEventsEnd: end))
        }
        guard ["ADDED", "MODIFIED", "DELETED"].contains(type) else {
            throw KubeError.decoding("unknown watch event type \"\(type)\"")
        }
        let decoded: Object
        do {
            decoded = try decodeObject(object)
        } catch {
            let identity = ObjectIdentity(json: object)
            return SourcedWatchEvent(.undecodable(UndecodableObject(
                kind: kind, namespace: identity.metadata?.namespace ?? "", name: identity.metadata?.name ?? "",
                resourceVersion: identity.metadata?.resourceVersion ?? "", reason: UndecodableObject.reason(error))))
        }
        let tree = source?(object)
        switch type {
        case "ADDED": return SourcedWatchEvent(.added(decoded), source: tree)
        case "MODIFIED": return SourcedWatchEvent(.modified(decoded), source: tree)
        default: return SourcedWatchEvent(.deleted(decoded), source: tree)
        }
    }
}
