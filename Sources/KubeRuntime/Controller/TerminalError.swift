/// An error that retrying cannot fix (an invalid spec: controller-runtime's
/// `reconcile.TerminalError`). The controller does not requeue the key: the reconcile that throws
/// it has already said so in status and an event, and the next change of the object brings the
/// key back. Counted in `controller_runtime_terminal_reconcile_errors_total` and as an error.
public struct TerminalError: Error, Sendable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { "terminal error: \(message)" }
}
