/// Why a CRD's `openAPIV3Schema` cannot be used: malformed, or not structural.
///
/// `causes` are the individual problems with their paths (`openAPIV3Schema.properties[spec].type`),
/// in the form the real server lists them when it refuses the CustomResourceDefinition;
/// `message` joins them for people.
public struct SchemaError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public var causes: [FieldError]

    public init(message: String, causes: [FieldError] = []) {
        self.message = message
        self.causes = causes
    }

    init(causes: [FieldError]) {
        self.causes = causes
        let parts = causes.map(\.summary)
        self.message = parts.count == 1 ? parts[0] : "[" + parts.joined(separator: ", ") + "]"
    }

    public var description: String { message }
}
