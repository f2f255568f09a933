/// An `Encoder` that builds a `JSON` tree from a typed value, with no text in between: the
/// counterpart of `JSONTreeDecoder`, for a cache that packs typed objects (`CompactJSON`).
/// Optional properties that are nil are left out, as Foundation's `JSONEncoder` leaves them out
/// (synthesized Codable uses `encodeIfPresent`); a `JSON` field is taken whole.
public struct JSONTreeEncoder {
    public init() {}

    public func encode(_ value: some Encodable) throws -> JSON {
        if let json = value as? JSON { return json }
        let root = Slot()
        try value.encode(to: TreeEncoder(slot: root, path: nil))
        return root.resolved
    }
}

extension JSON {
    /// The tree of a typed value, built without serializing it (`JSONTreeEncoder`).
    public init(treeEncoding value: some Encodable) throws {
        self = try JSONTreeEncoder().encode(value)
    }
}

/// Where one value goes: set once to a leaf, or to an object or array filled in place.
private final class Slot {
    enum Content {
        case empty
        case leaf(JSON)
        case object(ObjectBox)
        case array(ArrayBox)
    }

    var content: Content = .empty

    /// What the slot holds; a value that encoded nothing is `{}`, as Foundation writes it.
    var resolved: JSON {
        switch content {
        case .empty: return .object([:])
        case let .leaf(value): return value
        case let .object(box): return box.resolved
        case let .array(box): return box.resolved
        }
    }

    func object() -> ObjectBox {
        if case let .object(box) = content { return box }
        let box = ObjectBox()
        content = .object(box)
        return box
    }

    func array() -> ArrayBox {
        if case let .array(box) = content { return box }
        let box = ArrayBox()
        content = .array(box)
        return box
    }
}

/// A member or element: a leaf written at once, or a slot a nested encoder fills.
private enum Member {
    case leaf(JSON)
    case slot(Slot)

    var resolved: JSON {
        switch self {
        case let .leaf(value): return value
        case let .slot(slot): return slot.resolved
        }
    }
}

private final class ObjectBox {
    var members: [(String, Member)] = []
    var resolved: JSON {
        var result: [String: JSON] = Dictionary(minimumCapacity: members.count)
        for (key, member) in members { result[key] = member.resolved }
        return .object(result)
    }

    func slot(_ key: String) -> Slot {
        let slot = Slot()
        members.append((key, .slot(slot)))
        return slot
    }
}

private final class ArrayBox {
    var elements: [Member] = []
    var resolved: JSON { .array(elements.map(\.resolved)) }

    func slot() -> Slot {
        let slot = Slot()
        elements.append(.slot(slot))
        return slot
    }
}

private struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int?
    init(stringValue: String) { self.stringValue = stringValue }
    init(intValue: Int) {
        stringValue = "Index \(intValue)"
        self.intValue = intValue
    }
}

private func leaf<T: Encodable>(_ value: T) -> JSON? {
    switch value {
    case let v as JSON: return v
    case let v as String: return .string(v)
    case let v as Bool: return .bool(v)
    case let v as Int: return .int(Int64(v))
    case let v as Int64: return .int(v)
    case let v as Int32: return .int(Int64(v))
    case let v as Double: return v.isFinite ? .double(v) : nil  // non-finite: refused by `Single`
    default: return nil
    }
}

/// The member for `value`: a leaf, or a slot its own `encode(to:)` fills.
private func member<T: Encodable>(_ value: T, path: () -> CodingPathNode?) throws -> Member {
    if let leaf = leaf(value) { return .leaf(leaf) }
    let slot = Slot()
    try value.encode(to: TreeEncoder(slot: slot, path: path()))
    return .slot(slot)
}

private struct TreeEncoder: Encoder {
    let slot: Slot
    let path: CodingPathNode?
    var codingPath: [any CodingKey] { path?.keys ?? [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        KeyedEncodingContainer(Keyed<Key>(box: slot.object(), path: path))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        Unkeyed(box: slot.array(), path: path)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        Single(slot: slot, path: path)
    }
}

private struct Keyed<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let box: ObjectBox
    let path: CodingPathNode?
    var codingPath: [any CodingKey] { path?.keys ?? [] }

    private func child(_ key: Key) -> CodingPathNode { CodingPathNode(key, parent: path) }

    mutating func encodeNil(forKey key: Key) throws { box.members.append((key.stringValue, .leaf(.null))) }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        box.members.append((key.stringValue, try member(value) { child(key) }))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        KeyedEncodingContainer(Keyed<NestedKey>(box: box.slot(key.stringValue).object(), path: child(key)))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        Unkeyed(box: box.slot(key.stringValue).array(), path: child(key))
    }

    mutating func superEncoder() -> any Encoder {
        TreeEncoder(slot: box.slot("super"), path: path)
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        TreeEncoder(slot: box.slot(key.stringValue), path: child(key))
    }
}

private struct Unkeyed: UnkeyedEncodingContainer {
    let box: ArrayBox
    let path: CodingPathNode?
    var codingPath: [any CodingKey] { path?.keys ?? [] }
    var count: Int { box.elements.count }

    private func child() -> CodingPathNode { CodingPathNode(AnyKey(intValue: count), parent: path) }

    mutating func encodeNil() throws { box.elements.append(.leaf(.null)) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        let element = try member(value) { child() }
        box.elements.append(element)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let path = child()
        return KeyedEncodingContainer(Keyed<NestedKey>(box: box.slot().object(), path: path))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let path = child()
        return Unkeyed(box: box.slot().array(), path: path)
    }

    mutating func superEncoder() -> any Encoder {
        let path = child()
        return TreeEncoder(slot: box.slot(), path: path)
    }
}

private struct Single: SingleValueEncodingContainer {
    let slot: Slot
    let path: CodingPathNode?
    var codingPath: [any CodingKey] { path?.keys ?? [] }

    mutating func encodeNil() throws { slot.content = .leaf(.null) }
    mutating func encode(_ value: Bool) throws { slot.content = .leaf(.bool(value)) }
    mutating func encode(_ value: String) throws { slot.content = .leaf(.string(value)) }
    mutating func encode(_ value: Double) throws {
        guard value.isFinite else {
            throw EncodingError.invalidValue(value, .init(codingPath: codingPath, debugDescription: "Unable to encode \(value) directly in JSON."))
        }
        slot.content = .leaf(.double(value))
    }
    mutating func encode(_ value: Float) throws { try encode(Double(value)) }
    mutating func encode(_ value: Int) throws { slot.content = .leaf(.int(Int64(value))) }
    mutating func encode(_ value: Int8) throws { slot.content = .leaf(.int(Int64(value))) }
    mutating func encode(_ value: Int16) throws { slot.content = .leaf(.int(Int64(value))) }
    mutating func encode(_ value: Int32) throws { slot.content = .leaf(.int(Int64(value))) }
    mutating func encode(_ value: Int64) throws { slot.content = .leaf(.int(value)) }
    mutating func encode(_ value: UInt) throws { try encode(UInt64(value)) }
    mutating func encode(_ value: UInt8) throws { slot.content = .leaf(.int(Int64(value))) }
    mutating func encode(_ value: UInt16) throws { slot.content = .leaf(.int(Int64(value))) }
    mutating func encode(_ value: UInt32) throws { slot.content = .leaf(.int(Int64(value))) }
    mutating func encode(_ value: UInt64) throws {
        guard let exact = Int64(exactly: value) else {
            slot.content = .leaf(.double(Double(value)))
            return
        }
        slot.content = .leaf(.int(exact))
    }

    mutating func encode<T: Encodable>(_ value: T) throws {
        if let leaf = leaf(value) {
            slot.content = .leaf(leaf)
            return
        }
        try value.encode(to: TreeEncoder(slot: slot, path: path))
    }
}
