import KubeCore

/// The wrapper of a Kubernetes protobuf body: the magic `k8s\0`, then a runtime.Unknown
/// (1: typeMeta {1: apiVersion, 2: kind}, 2: raw, 3: contentEncoding, 4: contentType), decoded
/// into the form the recording's `envelope` has, so our protobuf answers compare with it.
enum ProtobufEnvelope {
    static let magic: [UInt8] = [0x6b, 0x38, 0x73, 0x00]

    static func decode(_ bytes: [UInt8]) -> JSON? {
        guard bytes.count >= 4, Array(bytes.prefix(4)) == magic else { return nil }
        guard let unknown = fields(bytes[4...]) else { return nil }
        let typeMeta = unknown[1].flatMap { fields($0[...]) } ?? [:]
        return [
            "magic_hex": "6b387300",
            "typeMeta": ["apiVersion": .string(text(typeMeta[1])), "kind": .string(text(typeMeta[2]))],
            "raw_bytes": .int(Int64(unknown[2]?.count ?? 0)),
            "contentEncoding": .string(text(unknown[3])),
            "contentType": .string(text(unknown[4])),
        ]
    }

    private static func text(_ bytes: [UInt8]?) -> String { String(decoding: bytes ?? [], as: UTF8.self) }

    /// The length-delimited fields of one message by number (the last of each wins); nil when
    /// the bytes are not such a message.
    private static func fields(_ bytes: ArraySlice<UInt8>) -> [Int: [UInt8]]? {
        var result: [Int: [UInt8]] = [:]
        var rest = bytes
        while !rest.isEmpty {
            guard let key = varint(&rest) else { return nil }
            let number = Int(key >> 3)
            switch key & 7 {
            case 0: guard varint(&rest) != nil else { return nil }
            case 2:
                guard let length = varint(&rest), length <= UInt64(rest.count) else { return nil }
                result[number] = Array(rest.prefix(Int(length)))
                rest = rest.dropFirst(Int(length))
            default: return nil
            }
        }
        return result
    }

    private static func varint(_ bytes: inout ArraySlice<UInt8>) -> UInt64? {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while let byte = bytes.popFirst() {
            value |= UInt64(byte & 0x7f) << shift
            if byte & 0x80 == 0 { return value }
            shift += 7
            if shift > 63 { return nil }
        }
        return nil
    }
}
