/// Options of list and watch requests.
public struct ListOptions: Sendable, Equatable {
    public var labelSelector: String?
    public var fieldSelector: String?
    public var limit: Int?
    public var continueToken: String?
    public var resourceVersion: String?
    public var resourceVersionMatch: String?
    public var timeoutSeconds: Int?
    public var allowWatchBookmarks: Bool = true
    public var sendInitialEvents: Bool?

    public init(labelSelector: String? = nil, fieldSelector: String? = nil, limit: Int? = nil, continueToken: String? = nil,
                resourceVersion: String? = nil, timeoutSeconds: Int? = nil) {
        self.labelSelector = labelSelector
        self.fieldSelector = fieldSelector
        self.limit = limit
        self.continueToken = continueToken
        self.resourceVersion = resourceVersion
        self.timeoutSeconds = timeoutSeconds
    }

    func query(watch: Bool) -> [(String, String)] {
        var q: [(String, String)] = []
        if watch {
            q.append(("watch", "1"))
            if allowWatchBookmarks { q.append(("allowWatchBookmarks", "true")) }
            if sendInitialEvents == true { q.append(("sendInitialEvents", "true")) }
        }
        if let labelSelector { q.append(("labelSelector", labelSelector)) }
        if let fieldSelector { q.append(("fieldSelector", fieldSelector)) }
        if !watch, let limit { q.append(("limit", String(limit))) }
        if !watch, let continueToken { q.append(("continue", continueToken)) }
        if let resourceVersion { q.append(("resourceVersion", resourceVersion)) }
        if let resourceVersionMatch { q.append(("resourceVersionMatch", resourceVersionMatch)) }
        if let timeoutSeconds { q.append(("timeoutSeconds", String(timeoutSeconds))) }
        return q
    }
}

/// How a PATCH body is to be read.
public enum Patch: Sendable {
    /// RFC 7386 JSON merge patch.
    case merge([UInt8])
    /// RFC 6902 JSON patch.
    case json([UInt8])
    /// Strategic merge patch (built-in kinds only).
    case strategic([UInt8])
    /// Server-side apply of the given configuration.
    case apply([UInt8])

    var contentType: String {
        switch self {
        case .merge: return "application/merge-patch+json"
        case .json: return "application/json-patch+json"
        case .strategic: return "application/strategic-merge-patch+json"
        case .apply: return "application/apply-patch+yaml"
        }
    }

    var body: [UInt8] {
        switch self {
        case let .merge(b), let .json(b), let .strategic(b), let .apply(b): return b
        }
    }
}

/// Options of writes.
public struct WriteOptions: Sendable, Equatable {
    /// The field manager (required for apply; recorded in managedFields for every write).
    public var fieldManager: String?
    /// Take ownership of conflicting fields (apply only).
    public var force: Bool = false
    public var dryRun: Bool = false
    /// Strict, Warn or Ignore.
    public var fieldValidation: String?

    public init(fieldManager: String? = nil, force: Bool = false, dryRun: Bool = false, fieldValidation: String? = nil) {
        self.fieldManager = fieldManager
        self.force = force
        self.dryRun = dryRun
        self.fieldValidation = fieldValidation
    }

    func query() -> [(String, String)] {
        var q: [(String, String)] = []
        if let fieldManager { q.append(("fieldManager", fieldManager)) }
        if force { q.append(("force", "true")) }
        if dryRun { q.append(("dryRun", "All")) }
        if let fieldValidation { q.append(("fieldValidation", fieldValidation)) }
        return q
    }
}

/// Options of DELETE.
public struct DeleteOptions: Sendable, Equatable {
    public enum Propagation: String, Sendable {
        case background = "Background"
        case foreground = "Foreground"
        case orphan = "Orphan"
    }

    public var propagation: Propagation?
    public var preconditionUID: String?
    public var preconditionResourceVersion: String?
    public var gracePeriodSeconds: Int?
    public var dryRun = false

    public init(propagation: Propagation? = nil, preconditionUID: String? = nil, preconditionResourceVersion: String? = nil,
                gracePeriodSeconds: Int? = nil, dryRun: Bool = false) {
        self.propagation = propagation
        self.preconditionUID = preconditionUID
        self.preconditionResourceVersion = preconditionResourceVersion
        self.gracePeriodSeconds = gracePeriodSeconds
        self.dryRun = dryRun
    }
}
