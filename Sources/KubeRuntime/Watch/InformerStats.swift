/// Counters of one informer's list/watch loop, for metrics and for tests that must tell a
/// resumed watch from a relist.
public struct InformerStats: Sendable, Equatable {
    /// Complete lists applied (the first sync included).
    public var lists = 0
    /// Complete lists after the first: recoveries from 410 or a broken stream.
    public var relists = 0
    public var listPages = 0
    /// Complete lists that came as streaming lists (the rest were paged).
    public var streamedLists = 0
    /// Streaming lists the server refused or did not end: the informer lists in pages since.
    public var streamingFallbacks = 0
    /// Lists started over because their continue token expired.
    public var listRestarts = 0
    /// Watch requests made.
    public var watches = 0
    /// Added/modified/deleted events received from watches.
    public var events = 0
    public var bookmarks = 0
    /// Objects left out of the cache because they did not decode (list items and watch events).
    public var undecodable = 0
    /// Failures recovered from (see `InformerOptions.onError`).
    public var failures = 0
    /// The last resourceVersion seen (list, event or bookmark).
    public var resourceVersion = ""

    public init() {}
}
