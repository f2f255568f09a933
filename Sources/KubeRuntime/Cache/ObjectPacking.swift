import KubeCore

/// How a cache packs the objects it holds into bytes, and reads them back.
///
/// A decoded object costs several times its JSON text (a dictionary per JSON object node, a
/// heap string per long key or value); an operator caches every object of the kinds it watches
/// for its whole life, so what stays in memory is the packed form and a read unpacks a copy.
/// `pack` returns nil for an object it cannot pack; the cache then keeps that object as it is.
public struct ObjectPacking<Object: Sendable>: Sendable {
    public var pack: @Sendable (Object) -> [UInt8]?
    public var unpack: @Sendable ([UInt8]) -> Object?
    /// Packs the JSON tree an object was decoded from (`ObjectList.sources`) in place of the
    /// object, when unpacking those bytes gives the same object back: nil where it would not.
    public var packSource: (@Sendable (JSON) -> [UInt8]?)?

    public init(pack: @escaping @Sendable (Object) -> [UInt8]?, unpack: @escaping @Sendable ([UInt8]) -> Object?,
                packSource: (@Sendable (JSON) -> [UInt8]?)? = nil) {
        self.pack = pack
        self.unpack = unpack
        self.packSource = packSource
    }
}

extension ObjectPacking where Object == JSON {
    /// `CompactJSON`: keys as numbers into a shared table, numbers as varints.
    public static var compactJSON: ObjectPacking {
        ObjectPacking(pack: { CompactJSON($0).bytes }, unpack: { CompactJSON(bytes: $0).json })
    }
}

extension ObjectPacking where Object: Codable {
    /// Typed kinds: the tree their own Codable writes (`JSONTreeEncoder`), packed as
    /// `CompactJSON`, and read back through the same Codable from the tree (`JSONTreeDecoder`).
    ///
    /// A listed object is packed from the tree it was decoded from (`packSource`), less its
    /// `metadata.managedFields`: reading that tree back through the same Codable gives the same
    /// object, since `ObjectMeta` drops managedFields when it decodes. Only for kinds whose
    /// `ObjectAccess.prepare` leaves a decoded object as it is (`ObjectAccess.typed`).
    public static var codable: ObjectPacking {
        ObjectPacking(
            pack: { object in (try? JSON(treeEncoding: object)).map { CompactJSON($0).bytes } },
            unpack: { bytes in try? CompactJSON(bytes: bytes).json.decodeTree(as: Object.self) },
            packSource: { source in
                guard source[path: ["metadata", "managedFields"]] != nil else { return CompactJSON(source).bytes }
                var stripped = source
                stripped[path: ["metadata", "managedFields"]] = nil
                return CompactJSON(stripped).bytes
            })
    }
}
