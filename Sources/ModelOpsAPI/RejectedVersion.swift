import KubeCore

/// A version that failed and was rolled back.
public struct RejectedVersion: Sendable, Hashable, Codable {
    /// The version.
    public var version: String

    /// Its artefact URI.
    public var uri: String?

    /// Why: "AnalysisFailed", "ProgressDeadlineExceeded", "Aborted", ...
    public var reason: String?

    /// When it was rolled back.
    public var time: KubeTime?

    public init(version: String, uri: String? = nil, reason: String? = nil, time: KubeTime? = nil) {
        self.version = version
        self.uri = uri
        self.reason = reason
        self.time = time
    }
}
