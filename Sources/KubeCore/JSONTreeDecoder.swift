/// A `Decoder` that reads a typed value straight from a `JSON` tree, with no text in between.
///
/// `JSON.decode(as:)` goes through Foundation's coders on the serialized bytes, which is exact and
/// gives Foundation's error wording; this one is for the hot path of a cache that hands out typed
/// objects it holds as trees (`CompactJSON`). A `JSON` field inside the typed value (a pod
/// template) is the subtree itself, taken whole rather than rebuilt through Codable by trial.
/// It reads what Foundation's `JSONDecoder` (default strategies) reads for the value types the
/// Kubernetes API uses; `Data`, `Date` and `URL` fields are not special-cased.
public struct JSONTreeDecoder: Decoder {
    public let value: JSON
    /// Where `value` is, as a chain of keys built as the decoder descends (an array per
    /// level would be copied for every field read); `codingPath` walks it when asked.
    let path: CodingPathNode?
    public var codingPath: [any CodingKey] { path?.keys ?? [] }
    public var userInfo: [CodingUserInfoKey: Any] { [:] }

    public init(_ value: JSON) {
        self.value = value
        path = nil
    }

    init(_ value: JSON, path: CodingPathNode?) {
        self.value = value
        self.path = path
    }

    public func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case let .object(members) = value else { throw mismatch([String: JSON].self, value, codingPath) }
        return KeyedDecodingContainer(Keyed<Key>(members: members, path: path))
    }

    public func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case let .array(elements) = value else { throw mismatch([JSON].self, value, codingPath) }
        return Unkeyed(elements: elements, path: path)
    }

    public func singleValueContainer() throws -> any SingleValueDecodingContainer {
        Single(value: value, path: path)
    }
}

/// Optional types: a null is their nil (Foundation's decoder hands the null to
/// `Optional.init(from:)`), not a missing value.
private protocol OptionalDecodable {}
extension Optional: OptionalDecodable {}

/// One key of a coding path and the path above it.
final class CodingPathNode: @unchecked Sendable {
    let key: any CodingKey
    let parent: CodingPathNode?

    init(_ key: any CodingKey, parent: CodingPathNode?) {
        self.key = key
        self.parent = parent
    }

    var keys: [any CodingKey] {
        var keys: [any CodingKey] = []
        var node: CodingPathNode? = self
        while let current = node {
            keys.append(current.key)
            node = current.parent
        }
        return keys.reversed()
    }
}

extension JSON {
    /// Decodes a typed value from this tree without serializing it (`JSONTreeDecoder`).
    public func decodeTree<T: Decodable>(as type: T.Type = T.self) throws -> T {
        try T(from: JSONTreeDecoder(self))
    }
}

private func mismatch(_ type: Any.Type, _ value: JSON, _ path: [any CodingKey]) -> DecodingError {
    let found: String
    switch value {
    case .null: found = "null"
    case .bool: found = "bool"
    case .int, .double: found = "number"
    case .string: found = "string"
    case .array: found = "array"
    case .object: found = "object"
    }
    return .typeMismatch(type, .init(codingPath: path, debugDescription: "Expected to decode \(type) but found \(found) instead."))
}

private struct IndexKey: CodingKey {
    var stringValue: String { "Index \(intValue ?? 0)" }
    var intValue: Int?
    init(_ index: Int) { intValue = index }
    init?(stringValue: String) { nil }
    init?(intValue: Int) { self.intValue = intValue }
}

private enum Scalar {
    /// `path` is the value's place, made only for an error or a nested decoder.
    static func decode<T: Decodable>(_ type: T.Type, _ value: JSON, _ path: () -> CodingPathNode?) throws -> T {
        // The common leaves without a Decoder of their own.
        if T.self == String.self {
            guard case let .string(s) = value else { throw mismatch(T.self, value, path()?.keys ?? []) }
            return s as! T
        }
        if T.self == JSON.self { return value as! T }
        if T.self == Bool.self {
            guard case let .bool(b) = value else { throw mismatch(T.self, value, path()?.keys ?? []) }
            return b as! T
        }
        if T.self == Int.self { return try integer(Int.self, value, path) as! T }
        if T.self == Int64.self { return try integer(Int64.self, value, path) as! T }
        if T.self == Int32.self { return try integer(Int32.self, value, path) as! T }
        if T.self == Double.self { return try double(value, path) as! T }
        if let direct: T = collection(value) { return direct }
        return try T(from: JSONTreeDecoder(value, path: path()))
    }

    /// The collections every Kubernetes object has (labels and annotations, finalizers) and its
    /// timestamps, read straight from the tree when every element is what the type holds.
    /// Through Codable each dictionary went key by key through a keyed container; these were a
    /// fifth of what reading an `ObjectMeta` cost. Anything else (a number among the strings, a
    /// malformed time) is nil here and takes the Codable path, which names the error.
    static func collection<T>(_ value: JSON) -> T? {
        let type = ObjectIdentifier(T.self)
        if type == Collections.stringMap {
            guard case let .object(members) = value else { return nil }
            var result = [String: String](minimumCapacity: members.count)
            for (key, member) in members {
                guard case let .string(text) = member else { return nil }
                result[key] = text
            }
            return (result as! T)
        }
        if type == Collections.strings {
            guard case let .array(elements) = value else { return nil }
            var result: [String] = []
            result.reserveCapacity(elements.count)
            for element in elements {
                guard case let .string(text) = element else { return nil }
                result.append(text)
            }
            return (result as! T)
        }
        if T.self == KubeTime.self {
            guard case let .string(text) = value, let time = KubeTime(rfc3339: text) else { return nil }
            return (time as! T)
        }
        return nil
    }

    /// The generic collection types `collection` reads, made once: `T.self == [String].self`
    /// asked the runtime for the array type's metadata on every call, a hash lookup that was
    /// 2 % of an operator's CPU while it synced 90,000 objects.
    private enum Collections {
        static let stringMap = ObjectIdentifier([String: String].self)
        static let strings = ObjectIdentifier([String].self)
    }

    static func integer<I: FixedWidthInteger>(_ type: I.Type, _ value: JSON, _ path: () -> CodingPathNode?) throws -> I {
        switch value {
        case let .int(i):
            guard let exact = I(exactly: i) else {
                throw DecodingError.dataCorrupted(.init(codingPath: path()?.keys ?? [], debugDescription: "Number \(i) does not fit in \(I.self)."))
            }
            return exact
        case let .double(d):
            guard let exact = I(exactly: d) else {
                throw DecodingError.dataCorrupted(.init(codingPath: path()?.keys ?? [], debugDescription: "Number \(d) is not representable in \(I.self)."))
            }
            return exact
        default: throw mismatch(I.self, value, path()?.keys ?? [])
        }
    }

    static func double(_ value: JSON, _ path: () -> CodingPathNode?) throws -> Double {
        switch value {
        case let .int(i): return Double(i)
        case let .double(d): return d
        default: throw mismatch(Double.self, value, path()?.keys ?? [])
        }
    }

    static func isLeaf<T>(_ type: T.Type) -> Bool {
        T.self == String.self || T.self == Bool.self || T.self == Int.self || T.self == Int64.self
            || T.self == Int32.self || T.self == Double.self || T.self == JSON.self
    }
}

private struct Keyed<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let members: [String: JSON]
    let path: CodingPathNode?

    var codingPath: [any CodingKey] { path?.keys ?? [] }
    var allKeys: [Key] { members.keys.compactMap { Key(stringValue: $0) } }

    func contains(_ key: Key) -> Bool { members[key.stringValue] != nil }

    private func child(_ key: Key) -> CodingPathNode { CodingPathNode(key, parent: path) }

    private func member(_ key: Key) throws -> JSON {
        guard let value = members[key.stringValue] else {
            throw DecodingError.keyNotFound(key, .init(codingPath: codingPath, debugDescription: "No value associated with key \(key.stringValue)."))
        }
        return value
    }

    func decodeNil(forKey key: Key) throws -> Bool { try member(key).isNull }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        let value = try member(key)
        if value.isNull, T.self != JSON.self, !(T.self is OptionalDecodable.Type) {
            throw DecodingError.valueNotFound(T.self, .init(codingPath: child(key).keys, debugDescription: "Expected \(T.self) value but found null instead."))
        }
        return try Scalar.decode(T.self, value) { child(key) }
    }

    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        guard let value = members[key.stringValue], !value.isNull else { return nil }
        return try Scalar.decode(T.self, value) { child(key) }
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        try JSONTreeDecoder(try member(key), path: child(key)).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try JSONTreeDecoder(try member(key), path: child(key)).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder {
        JSONTreeDecoder(members["super"] ?? .null, path: path)
    }

    func superDecoder(forKey key: Key) throws -> any Decoder {
        JSONTreeDecoder(members[key.stringValue] ?? .null, path: child(key))
    }
}

private struct Unkeyed: UnkeyedDecodingContainer {
    let elements: [JSON]
    let path: CodingPathNode?
    var currentIndex = 0

    init(elements: [JSON], path: CodingPathNode?) {
        self.elements = elements
        self.path = path
    }

    var codingPath: [any CodingKey] { path?.keys ?? [] }
    var count: Int? { elements.count }
    var isAtEnd: Bool { currentIndex >= elements.count }

    private func child(_ index: Int) -> CodingPathNode { CodingPathNode(IndexKey(index), parent: path) }

    /// `type` names the expected value in the error only: an autoclosure, so a generic type's
    /// metadata is not looked up for every element.
    private mutating func next(_ type: @autoclosure () -> Any.Type) throws -> (JSON, Int) {
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(type(), .init(codingPath: child(currentIndex).keys, debugDescription: "Unkeyed container is at end."))
        }
        defer { currentIndex += 1 }
        return (elements[currentIndex], currentIndex)
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(JSON.self, .init(codingPath: child(currentIndex).keys, debugDescription: "Unkeyed container is at end."))
        }
        if elements[currentIndex].isNull {
            currentIndex += 1
            return true
        }
        return false
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let (value, index) = try next(T.self)
        if value.isNull, T.self != JSON.self, !(T.self is OptionalDecodable.Type) {
            throw DecodingError.valueNotFound(T.self, .init(codingPath: child(index).keys, debugDescription: "Expected \(T.self) but found null instead."))
        }
        return try Scalar.decode(T.self, value) { child(index) }
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        let (value, index) = try next([String: JSON].self)
        return try JSONTreeDecoder(value, path: child(index)).container(keyedBy: type)
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        let (value, index) = try next([JSON].self)
        return try JSONTreeDecoder(value, path: child(index)).unkeyedContainer()
    }

    mutating func superDecoder() throws -> any Decoder {
        let (value, index) = try next(JSON.self)
        return JSONTreeDecoder(value, path: child(index))
    }
}

private struct Single: SingleValueDecodingContainer {
    let value: JSON
    let path: CodingPathNode?

    var codingPath: [any CodingKey] { path?.keys ?? [] }

    func decodeNil() -> Bool { value.isNull }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        if value.isNull, T.self != JSON.self, !(T.self is OptionalDecodable.Type) {
            throw DecodingError.valueNotFound(T.self, .init(codingPath: codingPath, debugDescription: "Expected \(T.self) but found null instead."))
        }
        if Scalar.isLeaf(T.self) { return try Scalar.decode(T.self, value) { path } }
        return try T(from: JSONTreeDecoder(value, path: path))
    }

    func decode(_ type: String.Type) throws -> String { try Scalar.decode(String.self, value) { path } }
    func decode(_ type: Bool.Type) throws -> Bool { try Scalar.decode(Bool.self, value) { path } }
    func decode(_ type: Double.Type) throws -> Double { try Scalar.double(value) { path } }
    func decode(_ type: Float.Type) throws -> Float {
        let double = try Scalar.double(value) { path }
        guard let float = Float(exactly: double) ?? (abs(double) <= Double(Float.greatestFiniteMagnitude) ? Float(double) : nil) else {
            throw DecodingError.dataCorrupted(.init(codingPath: codingPath, debugDescription: "Number \(double) does not fit in Float."))
        }
        return float
    }
    func decode(_ type: Int.Type) throws -> Int { try Scalar.integer(Int.self, value) { path } }
    func decode(_ type: Int8.Type) throws -> Int8 { try Scalar.integer(Int8.self, value) { path } }
    func decode(_ type: Int16.Type) throws -> Int16 { try Scalar.integer(Int16.self, value) { path } }
    func decode(_ type: Int32.Type) throws -> Int32 { try Scalar.integer(Int32.self, value) { path } }
    func decode(_ type: Int64.Type) throws -> Int64 { try Scalar.integer(Int64.self, value) { path } }
    func decode(_ type: UInt.Type) throws -> UInt { try Scalar.integer(UInt.self, value) { path } }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try Scalar.integer(UInt8.self, value) { path } }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try Scalar.integer(UInt16.self, value) { path } }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try Scalar.integer(UInt32.self, value) { path } }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try Scalar.integer(UInt64.self, value) { path } }
}
