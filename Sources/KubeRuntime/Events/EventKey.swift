/// What makes two occurrences "the same event": a repeat with the same key joins the first
/// one's series instead of creating another Event.
struct EventKey: Hashable, Sendable {
    var regarding: EventReference
    var related: EventReference?
    var type: EventType
    var reason: String
    var action: String
    var note: String
}

/// An Event the recorder created and may still add repeats to.
struct EventSeriesEntry: Sendable {
    /// The Event's name and namespace once it was created.
    var name: String
    var namespace: String
    /// Occurrences so far (1 = no series yet).
    var count: Int
    /// The count the server last received.
    var writtenCount: Int
    /// Monotonic times of the last occurrence and of the last write.
    var lastObserved: Duration
    var lastWrite: Duration
    /// Wall-clock time of the last occurrence, for `series.lastObservedTime`.
    var lastObservedStamp: String
    /// The create is still on its way: repeats count, but no series is written before the
    /// Event exists.
    var creating = false
}
