/// What replaying one recorded exchange showed: every way our answer differs from the
/// recorded one (none: it matches).
struct ReplayOutcome: Sendable {
    let number: Int
    let name: String
    var differences: [ReplayDifference]

    var matches: Bool { differences.isEmpty }
}
