/// What validation found: errors refuse the write; warnings go back as `Warning` headers.
///
/// Warnings come from CRD validation ratcheting: on update, a CEL rule (other than a transition
/// rule) that fails on a value the client did not change is reported as a warning, so objects
/// stored before a rule was tightened can still be updated elsewhere.
public struct SchemaValidationResult: Sendable, Equatable {
    public var errors: [FieldError]
    public var warnings: [String]

    public init(errors: [FieldError] = [], warnings: [String] = []) {
        self.errors = errors
        self.warnings = warnings
    }
}
