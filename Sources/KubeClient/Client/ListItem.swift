import KubeCore

/// One item of a typed list: the object (its apiVersion and kind filled from the type when the
/// server left them out, as it does for every built-in kind), or, when our type cannot represent
/// it, which object it was and why. Decoded in the list's single pass: an item is read twice only
/// when it fails, to find its name.
enum ListItem<Object: KubeResource>: Decodable {
    case object(Object)
    case undecodable(UndecodableObject)

    init(from decoder: any Decoder) throws {
        do {
            self = .object(try Object(from: TypeMetaFillingDecoder(base: decoder, apiVersion: Object.apiVersion, kind: Object.kind)))
        } catch {
            let identity = try? ObjectIdentity(from: decoder)
            self = .undecodable(UndecodableObject(
                kind: Object.kind, namespace: identity?.metadata?.namespace ?? "", name: identity?.metadata?.name ?? "",
                resourceVersion: identity?.metadata?.resourceVersion ?? "",
                reason: UndecodableObject.reason(error, droppingPrefix: decoder.codingPath.count)))
        }
    }
}

/// A typed object decoded with apiVersion and kind filled from its type when absent.
struct TypeMetaFilled<Object: KubeResource>: Decodable {
    var object: Object

    init(from decoder: any Decoder) throws {
        object = try Object(from: TypeMetaFillingDecoder(base: decoder, apiVersion: Object.apiVersion, kind: Object.kind))
    }
}

/// A watch line of a typed kind, `{"type": …, "object": …}`, decoded in one pass: the object only
/// for ADDED, MODIFIED and DELETED (apiVersion and kind filled from the type as in lists).
struct TypedWatchLine<Object: KubeResource>: Decodable {
    var event: WatchEvent<Object>?

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        switch try container.decode(String.self, forKey: .type) {
        case "ADDED": event = .added(try container.decode(TypeMetaFilled<Object>.self, forKey: .object).object)
        case "MODIFIED": event = .modified(try container.decode(TypeMetaFilled<Object>.self, forKey: .object).object)
        case "DELETED": event = .deleted(try container.decode(TypeMetaFilled<Object>.self, forKey: .object).object)
        default: event = nil
        }
    }

    private enum CodingKeys: String, CodingKey { case type, object }
}

/// The metadata that names an object, read from one that did not decode.
struct ObjectIdentity: Decodable {
    struct Metadata: Decodable {
        var name: String?
        var namespace: String?
        var resourceVersion: String?
    }

    var metadata: Metadata?

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        metadata = try? container.decodeIfPresent(Metadata.self, forKey: .metadata)
    }

    init(json: JSON) {
        metadata = Metadata(name: json[path: ["metadata", "name"]]?.stringValue,
                            namespace: json[path: ["metadata", "namespace"]]?.stringValue,
                            resourceVersion: json[path: ["metadata", "resourceVersion"]]?.stringValue)
    }

    private enum CodingKeys: String, CodingKey { case metadata }
}
