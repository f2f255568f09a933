/// Decodes a typed object whose JSON may lack `apiVersion` and `kind`, answering for those two
/// keys from the type the request was for, as client-go sets them on list items.
///
/// The API server leaves them out of every item of a built-in kind's list (the list says the
/// type once), while our typed kinds keep them as required properties. Wrapping the decoder,
/// rather than editing the JSON, fills them in the same single pass over the bytes: everything
/// but those two keys of the top-level object reads the JSON as it is.
struct TypeMetaFillingDecoder: Decoder {
    let base: any Decoder
    let apiVersion: String
    let kind: String

    var codingPath: [any CodingKey] { base.codingPath }
    var userInfo: [CodingUserInfoKey: Any] { base.userInfo }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(Container(base: try base.container(keyedBy: type), apiVersion: apiVersion, kind: kind))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer { try base.unkeyedContainer() }
    func singleValueContainer() throws -> any SingleValueDecodingContainer { try base.singleValueContainer() }

    /// The top-level object: `apiVersion` and `kind` when absent (or null) come from the type;
    /// one lookup per key, as without the wrapper.
    struct Container<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let base: KeyedDecodingContainer<Key>
        let apiVersion: String
        let kind: String

        var codingPath: [any CodingKey] { base.codingPath }

        var allKeys: [Key] {
            var keys = base.allKeys
            for name in ["apiVersion", "kind"] where !keys.contains(where: { $0.stringValue == name }) {
                if let key = Key(stringValue: name) { keys.append(key) }
            }
            return keys
        }

        /// The value `key` gets when the JSON has none: apiVersion and kind only.
        private func fill(_ key: Key) -> String? {
            switch key.stringValue {
            case "apiVersion": return apiVersion
            case "kind": return kind
            default: return nil
            }
        }

        func contains(_ key: Key) -> Bool { fill(key) != nil || base.contains(key) }

        func decodeNil(forKey key: Key) throws -> Bool {
            if fill(key) != nil { return false }
            return try base.decodeNil(forKey: key)
        }

        func decode(_ type: String.Type, forKey key: Key) throws -> String {
            if let fill = fill(key) { return try base.decodeIfPresent(String.self, forKey: key) ?? fill }
            return try base.decode(type, forKey: key)
        }

        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
            if T.self == String.self, let fill = fill(key) {
                return (try base.decodeIfPresent(String.self, forKey: key) ?? fill) as! T
            }
            return try base.decode(type, forKey: key)
        }

        func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try base.decode(type, forKey: key) }
        func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try base.decode(type, forKey: key) }
        func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try base.decode(type, forKey: key) }
        func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try base.decode(type, forKey: key) }
        func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try base.decode(type, forKey: key) }
        func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try base.decode(type, forKey: key) }
        func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try base.decode(type, forKey: key) }
        func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try base.decode(type, forKey: key) }
        func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try base.decode(type, forKey: key) }
        func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try base.decode(type, forKey: key) }
        func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try base.decode(type, forKey: key) }
        func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try base.decode(type, forKey: key) }
        func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try base.decode(type, forKey: key) }

        func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type,
                                                   forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
            try base.nestedContainer(keyedBy: type, forKey: key)
        }

        func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
            try base.nestedUnkeyedContainer(forKey: key)
        }

        func superDecoder() throws -> any Decoder { try base.superDecoder() }
        func superDecoder(forKey key: Key) throws -> any Decoder { try base.superDecoder(forKey: key) }
    }
}
