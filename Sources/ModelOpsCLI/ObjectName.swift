/// What the user typed to name an object: `NAME`, or `KIND/NAME` with a kind as kubectl spells it
/// (`mdep/fraud`, `retrainpolicy/nightly`, `trainingjobs.modelops.io/run-1`).
public struct ObjectName: Sendable, Hashable, CustomStringConvertible {
    public var kind: TargetKind?
    public var name: String

    public init(kind: TargetKind? = nil, name: String) {
        self.kind = kind
        self.name = name
    }

    /// Parses `text`; an unknown kind or an empty name is an error naming what was wrong.
    public init(parsing text: String) throws(CLIError) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        if parts.count == 2 {
            guard let kind = TargetKind(prefix: parts[0]) else {
                throw CLIError("unknown kind \"\(parts[0])\" in \"\(text)\": use mdep/NAME, rtp/NAME or tj/NAME")
            }
            self.kind = kind
            name = parts[1]
        } else {
            name = text
        }
        guard !name.isEmpty else { throw CLIError("no name in \"\(text)\"") }
        guard !name.contains("/") else { throw CLIError("\"\(text)\" is not a name: use NAME or KIND/NAME") }
    }

    public var description: String { kind.map { "\($0.shortName)/\(name)" } ?? name }
}
