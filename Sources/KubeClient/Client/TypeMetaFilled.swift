import KubeCore

/// A typed object decoded with apiVersion and kind filled from its type when absent.
struct TypeMetaFilled<Object: KubeResource>: Decodable {
    var object: Object

    init(from decoder: any Decoder) throws {
        object = try Object(from: TypeMetaFillingDecoder(base: decoder, apiVersion: Object.apiVersion, kind: Object.kind))
    }
}
