import Foundation
import KubeCore
import SwiftProtobuf

/// Turns a decoded Kubernetes message into the JSON kube-apiserver would hold for it — the Go
/// struct's encoding/json form, not proto3 JSON: field names from the .proto (they are the JSON
/// keys), int64 as numbers, bytes as base64, maps as objects, apimachinery's special types in
/// their own forms (`KubernetesValueType`), inline structs flattened and zero values dropped or
/// kept as Go's tags say (`KubernetesJSONFieldRules`).
///
/// SwiftProtobuf's traversal visits exactly the fields present on the wire, which is the proto2
/// presence the rules need: a pointer field is on the wire only when the client set it.
struct KubernetesJSONVisitor: Visitor {
    private let messageName: String
    private let fieldName: (Int) -> String?
    private(set) var object: [String: JSON] = [:]

    private init<M: Message & _ProtoNameProviding>(_ type: M.Type) {
        messageName = M.protoMessageName
        fieldName = { ProtoFieldNames.name(of: $0, in: type) }
    }

    /// The JSON of a message, or `nil` when Go would leave it out (a zero Time).
    static func json(of message: some Message) throws(ProtobufDecodingError) -> JSON? {
        switch try KubernetesValueType.convert(message) {
        case let .json(value)?: return value
        case .omitted?: return nil
        case nil: break
        }
        guard let named = message as? any (Message & _ProtoNameProviding) else {
            throw .malformed("no field names for \(type(of: message).protoMessageName)")
        }
        return try object(of: named)
    }

    private static func object<M: Message & _ProtoNameProviding>(of message: M) throws(ProtobufDecodingError) -> JSON {
        var visitor = KubernetesJSONVisitor(M.self)
        do {
            try message.traverse(visitor: &visitor)
        } catch {
            throw ProtobufDecodingError.from(error)
        }
        return .object(visitor.object)
    }

    // MARK: - Writing fields

    private func key(_ fieldNumber: Int) throws -> (name: String, rule: String) {
        guard let name = fieldName(fieldNumber) else {
            throw ProtobufDecodingError.malformed("\(messageName) has no field \(fieldNumber)")
        }
        return (name, messageName + "." + name)
    }

    private mutating func writeScalar(_ value: JSON, isZero: Bool, fieldNumber: Int) throws {
        let (name, rule) = try key(fieldNumber)
        if isZero, !KubernetesJSONFieldRules.writesZero(rule) { return }
        object[name] = value
    }

    private mutating func writeList(_ values: [JSON], fieldNumber: Int) throws {
        object[try key(fieldNumber).name] = .array(values)
    }

    private static func base64(_ data: Data) -> JSON { .string(data.base64EncodedString()) }

    /// A map value or key of a primitive type, as Go writes it.
    private static func primitive(_ value: Any) throws -> JSON {
        switch value {
        case let s as String: return .string(s)
        case let d as Data: return base64(d)
        case let b as Bool: return .bool(b)
        case let i as Int32: return .int(Int64(i))
        case let i as Int64: return .int(i)
        default: throw ProtobufDecodingError.malformed("unsupported map value \(type(of: value))")
        }
    }

    // MARK: - Visitor

    mutating func visitSingularDoubleField(value: Double, fieldNumber: Int) throws {
        try writeScalar(.double(value), isZero: value == 0, fieldNumber: fieldNumber)
    }

    mutating func visitSingularInt64Field(value: Int64, fieldNumber: Int) throws {
        try writeScalar(.int(value), isZero: value == 0, fieldNumber: fieldNumber)
    }

    mutating func visitSingularUInt64Field(value: UInt64, fieldNumber: Int) throws {
        try writeScalar(.int(Int64(truncatingIfNeeded: value)), isZero: value == 0, fieldNumber: fieldNumber)
    }

    mutating func visitSingularBoolField(value: Bool, fieldNumber: Int) throws {
        try writeScalar(.bool(value), isZero: !value, fieldNumber: fieldNumber)
    }

    mutating func visitSingularStringField(value: String, fieldNumber: Int) throws {
        try writeScalar(.string(value), isZero: value.isEmpty, fieldNumber: fieldNumber)
    }

    mutating func visitSingularBytesField(value: Data, fieldNumber: Int) throws {
        try writeScalar(Self.base64(value), isZero: value.isEmpty, fieldNumber: fieldNumber)
    }

    mutating func visitSingularEnumField<E: Enum>(value: E, fieldNumber: Int) throws {
        try writeScalar(.int(Int64(value.rawValue)), isZero: value.rawValue == 0, fieldNumber: fieldNumber)
    }

    mutating func visitSingularMessageField<M: Message>(value: M, fieldNumber: Int) throws {
        let (name, rule) = try key(fieldNumber)
        guard let json = try Self.json(of: value) else { return }
        if KubernetesJSONFieldRules.inline.contains(rule), let fields = json.objectValue {
            object.merge(fields) { _, embedded in embedded }
        } else {
            object[name] = json
        }
    }

    mutating func visitRepeatedInt32Field(value: [Int32], fieldNumber: Int) throws {
        try writeList(value.map { .int(Int64($0)) }, fieldNumber: fieldNumber)
    }

    mutating func visitRepeatedInt64Field(value: [Int64], fieldNumber: Int) throws {
        try writeList(value.map { .int($0) }, fieldNumber: fieldNumber)
    }

    mutating func visitRepeatedBoolField(value: [Bool], fieldNumber: Int) throws {
        try writeList(value.map { .bool($0) }, fieldNumber: fieldNumber)
    }

    mutating func visitRepeatedStringField(value: [String], fieldNumber: Int) throws {
        try writeList(value.map { .string($0) }, fieldNumber: fieldNumber)
    }

    mutating func visitRepeatedBytesField(value: [Data], fieldNumber: Int) throws {
        try writeList(value.map(Self.base64), fieldNumber: fieldNumber)
    }

    mutating func visitRepeatedMessageField<M: Message>(value: [M], fieldNumber: Int) throws {
        // A zero Time inside a list is Go's `null`.
        try writeList(try value.map { try Self.json(of: $0) ?? .null }, fieldNumber: fieldNumber)
    }

    mutating func visitPackedInt32Field(value: [Int32], fieldNumber: Int) throws {
        try visitRepeatedInt32Field(value: value, fieldNumber: fieldNumber)
    }

    mutating func visitPackedInt64Field(value: [Int64], fieldNumber: Int) throws {
        try visitRepeatedInt64Field(value: value, fieldNumber: fieldNumber)
    }

    mutating func visitMapField<KeyType, ValueType: MapValueType>(
        fieldType: _ProtobufMap<KeyType, ValueType>.Type,
        value: _ProtobufMap<KeyType, ValueType>.BaseType,
        fieldNumber: Int
    ) throws {
        var fields: [String: JSON] = [:]
        for (mapKey, mapValue) in value {
            fields["\(mapKey)"] = try Self.primitive(mapValue)
        }
        object[try key(fieldNumber).name] = .object(fields)
    }

    mutating func visitMapField<KeyType, ValueType>(
        fieldType: _ProtobufEnumMap<KeyType, ValueType>.Type,
        value: _ProtobufEnumMap<KeyType, ValueType>.BaseType,
        fieldNumber: Int
    ) throws where ValueType.RawValue == Int {
        var fields: [String: JSON] = [:]
        for (mapKey, mapValue) in value { fields["\(mapKey)"] = .int(Int64(mapValue.rawValue)) }
        object[try key(fieldNumber).name] = .object(fields)
    }

    mutating func visitMapField<KeyType, ValueType>(
        fieldType: _ProtobufMessageMap<KeyType, ValueType>.Type,
        value: _ProtobufMessageMap<KeyType, ValueType>.BaseType,
        fieldNumber: Int
    ) throws {
        var fields: [String: JSON] = [:]
        for (mapKey, mapValue) in value { fields["\(mapKey)"] = try Self.json(of: mapValue) ?? .null }
        object[try key(fieldNumber).name] = .object(fields)
    }

    /// Fields newer than the compiled messages: gogo's Unmarshal skips them, and so does this.
    mutating func visitUnknown(bytes: Data) throws {}

    mutating func visitExtensionFields(fields: ExtensionFieldValueSet, start: Int, end: Int) throws {}
}
