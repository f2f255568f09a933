/// A failure of a user action, printed as one line (`modelops: <description>`) with a non-zero
/// exit: what went wrong and, where there is one, what to do instead.
public struct CLIError: Error, CustomStringConvertible, Sendable {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}
