/// Something the recording's other actors did that the replay must do too: before an exchange
/// (a precondition), or while a watch exchange runs (the writes its events show).
struct ReplayStep: Sendable {
    enum Moment: Sendable, Equatable {
        case before(Int)
        case whileWatching(Int)
    }

    let moment: Moment
    /// Who did it in the recording and why the replay does it this way.
    let why: String
    let action: @Sendable (ReplaySession) async throws -> Void

    static func before(_ number: Int, _ why: String, _ action: @escaping @Sendable (ReplaySession) async throws -> Void) -> ReplayStep {
        ReplayStep(moment: .before(number), why: why, action: action)
    }

    static func whileWatching(_ number: Int, _ why: String, _ action: @escaping @Sendable (ReplaySession) async throws -> Void) -> ReplayStep {
        ReplayStep(moment: .whileWatching(number), why: why, action: action)
    }
}
