/// Why a cron schedule or its time zone was refused.
///
/// The message names the field and the problem in words a user can act on, e.g.
/// `minute field "61": value 61 out of range 0-59`, so the controller can surface it verbatim in a
/// status condition without re-wording it.
public struct CronError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The five positional fields of a cron expression, named as the error messages name them.
    public enum Field: String, Sendable, Equatable, CaseIterable {
        case minute
        case hour
        case dayOfMonth = "day-of-month"
        case month
        case dayOfWeek = "day-of-week"
    }

    /// The field at fault, when the problem lies inside one field (nil for whole-expression and
    /// time-zone problems).
    public var field: Field?
    /// The complete human-readable message, already including the field and its text.
    public var message: String

    public init(field: Field? = nil, message: String) {
        self.field = field
        self.message = message
    }

    public var description: String { message }

    /// An error inside one field: `hour field "1-2-3": too many hyphens in "1-2-3"`.
    static func inField(_ field: Field, _ text: Substring, _ problem: String) -> CronError {
        CronError(field: field, message: "\(field.rawValue) field \"\(text)\": \(problem)")
    }
}
