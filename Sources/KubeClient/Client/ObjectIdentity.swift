import KubeCore

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
