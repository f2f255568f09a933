import Foundation
import KubeCore
import SwiftProtobuf

/// The types whose JSON form is not their message's fields. The apimachinery ones each have their
/// own MarshalJSON in Go: Times are RFC 3339 strings, a Quantity its string, an IntOrString an
/// integer or a string, FieldsV1 and RawExtension the JSON they carry, a Duration Go's duration
/// text. The others are messages go-to-protobuf wraps around a Go named slice type
/// (`+protobuf.nullable=true`), which encoding/json writes as the plain list: authorization's
/// `type ExtraValue []string` is `{items: [...]}` on the wire and `[...]` in JSON, so
/// `spec.extra` reads `{"key": ["a", "b"]}`.
enum KubernetesValueType {
    /// What a special message becomes in JSON. A zero Time or MicroTime is left out, as the
    /// v1.36 server leaves it out (golden 137: kubectl v1.32 writes `creationTimestamp: null` in
    /// the pod template, the Deployment the server stored has none).
    enum Conversion {
        case json(JSON)
        case omitted
    }

    static func convert(_ message: some Message) throws(ProtobufDecodingError) -> Conversion? {
        switch message {
        case let time as K8s_Io_Apimachinery_Pkg_Apis_Meta_V1_Time:
            guard time.hasSeconds || time.hasNanos else { return .omitted }
            return .json(.string(KubeTime(secondsSinceEpoch: time.seconds).rfc3339))
        case let time as K8s_Io_Apimachinery_Pkg_Apis_Meta_V1_MicroTime:
            guard time.hasSeconds || time.hasNanos else { return .omitted }
            let whole = KubeTime(secondsSinceEpoch: time.seconds).rfc3339.dropLast()
            let micros = String(time.nanos / 1000)
            return .json(.string(whole + "." + String(repeating: "0", count: max(0, 6 - micros.count)) + micros + "Z"))
        case let quantity as K8s_Io_Apimachinery_Pkg_Api_Resource_Quantity:
            return .json(.string(quantity.string))
        case let value as K8s_Io_Apimachinery_Pkg_Util_Intstr_IntOrString:
            switch value.type {
            case 0: return .json(.int(Int64(value.intVal)))
            case 1: return .json(.string(value.strVal))
            default: throw .malformed("impossible IntOrString.Type")
            }
        case let duration as K8s_Io_Apimachinery_Pkg_Apis_Meta_V1_Duration:
            return .json(.string(GoDuration.string(nanoseconds: duration.duration)))
        case let fields as K8s_Io_Apimachinery_Pkg_Apis_Meta_V1_FieldsV1:
            return .json(try embeddedJSON(fields.raw))
        case let raw as K8s_Io_Apimachinery_Pkg_Runtime_RawExtension:
            return .json(try embeddedJSON(raw.raw))
        case let extra as K8s_Io_Api_Authorization_V1_ExtraValue:
            // gogo's Unmarshal fills a map value starting from `&ExtraValue{}`, a non-nil empty
            // slice, so a value without items is `[]`, never `null`.
            return .json(.array(extra.items.map { .string($0) }))
        default:
            return nil
        }
    }

    /// FieldsV1.Raw and RawExtension.raw hold JSON that Go copies into the output verbatim
    /// (`null` when there is none).
    private static func embeddedJSON(_ bytes: Data) throws(ProtobufDecodingError) -> JSON {
        if bytes.isEmpty { return .null }
        do {
            return try JSON.parse(Array(bytes))
        } catch {
            throw .malformed("invalid JSON in an embedded raw field: \(error.message)")
        }
    }
}
