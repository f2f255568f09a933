import Foundation
import KubeCore

extension CELValue {
    /// JSON → CEL as Kubernetes converts a value its schema describes (`UnstructuredToVal`),
    /// so that a rule sees the types the checker gave it: strings of `format: duration`,
    /// `date`, `date-time` and `byte` are durations, timestamps and bytes, numbers of
    /// `type: number` are doubles even when written `1`; objects, maps and lists convert their
    /// members by their own schemas. What the schema does not describe (int-or-string, preserved
    /// unknown fields) converts as plain JSON.
    init(json: JSON, schema: StructuralSchema?) {
        guard let s = schema, !s.intOrString else {
            self.init(json: json)
            return
        }
        switch json {
        case let .string(text) where s.type == "string":
            self = Self.formatted(text, format: s.format) ?? .string(text)
        case let .int(i) where s.type == "number":
            self = .double(Double(i))
        case let .array(items):
            self = .list(items.map { CELValue(json: $0, schema: s.items) })
        case let .object(fields):
            var map = CELMap()
            for (key, value) in fields.sorted(by: { $0.key < $1.key }) {
                map.insert(.string(key), CELValue(json: value, schema: s.additionalProperties?.schema ?? s.properties[key]))
            }
            self = .map(map)
        default:
            self.init(json: json)
        }
    }

    /// A string of a format Kubernetes gives its own CEL type; nil keeps it a string (a value
    /// that does not parse has already failed the format check).
    private static func formatted(_ text: String, format: String?) -> CELValue? {
        switch format {
        case "duration":
            return (try? CELDuration.parse(text)).map(CELValue.duration)
        case "date-time":
            return CELTimestamp(rfc3339: text).map(CELValue.timestamp)
        case "date":
            return CELTimestamp(rfc3339: text + "T00:00:00Z").map(CELValue.timestamp)
        case "byte":
            return Data(base64Encoded: text).map { .bytes(Array($0)) }
        default:
            return nil
        }
    }
}
