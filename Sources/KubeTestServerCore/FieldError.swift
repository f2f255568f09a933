import KubeCore

/// One field-level validation failure, as apimachinery's `field.Error`: the API server turns a list
/// of them into a 422 `Invalid` Status whose `details.causes` carry one entry each, and whose
/// message joins their `summary` lines.
public struct FieldError: Error, Sendable, Equatable {
    public enum Reason: String, Sendable {
        case invalid = "FieldValueInvalid"
        case required = "FieldValueRequired"
        case notSupported = "FieldValueNotSupported"
        case forbidden = "FieldValueForbidden"
        case tooLong = "FieldValueTooLong"
        case tooMany = "FieldValueTooMany"
        case duplicate = "FieldValueDuplicate"
        case typeInvalid = "FieldValueTypeInvalid"
        case notFound = "FieldValueNotFound"
        case `internal` = "InternalError"
    }

    public var reason: Reason
    /// The field path as the API writes it: `spec.steps[2].weight`, `metadata.labels[app]`, or
    /// `<nil>` for errors about the whole object.
    public var field: String
    /// The cause's message: `Invalid value: 99: spec.replicas in body should be less than or equal to 50`.
    public var message: String

    public init(reason: Reason, field: String, message: String) {
        self.reason = reason
        self.field = field
        self.message = message
    }

    /// `field: message`, the form joined into the Status message.
    public var summary: String { "\(field): \(message)" }

    /// How apimachinery's `field.Error` shows a value: strings as Go's `%q` (no JSON HTML
    /// escaping: `"a<b"`), numbers and booleans as `%v` (`1e+06` for a float million), null as
    /// `null`, maps and lists as `json.Marshal` writes them (`{"a":1}`, `["proto"]`).
    public static func render(_ value: JSON) -> String {
        ValueRendering.render(value)
    }

    /// `Invalid value: <value>: <detail>`; a nil value omits itself (`Invalid value: <detail>`),
    /// as CEL rule failures are reported.
    public static func invalid(_ field: String, _ value: JSON?, _ detail: String) -> FieldError {
        let body = value.map { "Invalid value: \(render($0)): \(detail)" } ?? "Invalid value: \(detail)"
        return FieldError(reason: .invalid, field: field, message: body)
    }

    /// `Invalid value: "string": <detail>` for a value of the wrong JSON type.
    public static func typeInvalid(_ field: String, _ value: JSON, _ detail: String) -> FieldError {
        FieldError(reason: .typeInvalid, field: field, message: "Invalid value: \(render(value)): \(detail)")
    }

    public static func required(_ field: String, _ detail: String = "") -> FieldError {
        FieldError(reason: .required, field: field, message: detail.isEmpty ? "Required value" : "Required value: \(detail)")
    }

    public static func notSupported(_ field: String, _ value: JSON, supported: [JSON]) -> FieldError {
        var body = "Unsupported value: \(render(value))"
        if !supported.isEmpty {
            body += ": supported values: " + supported.map(render).joined(separator: ", ")
        }
        return FieldError(reason: .notSupported, field: field, message: body)
    }

    public static func forbidden(_ field: String, _ detail: String) -> FieldError {
        FieldError(reason: .forbidden, field: field, message: "Forbidden: \(detail)")
    }

    public static func tooMany(_ field: String, actual: Int, max: Int) -> FieldError {
        FieldError(reason: .tooMany, field: field, message: "Too many: \(actual): must have at most \(max) items")
    }

    public static func tooLong(_ field: String, max: Int) -> FieldError {
        FieldError(reason: .tooLong, field: field, message: "Too long: may not be more than \(max) bytes")
    }

    public static func duplicate(_ field: String, _ value: JSON) -> FieldError {
        FieldError(reason: .duplicate, field: field, message: "Duplicate value: \(render(value))")
    }
}
