import KubeCore

/// Compares the events of a watch with the recorded ones: the sequence of ADDED, MODIFIED,
/// DELETED and ERROR events and each event's object by shape; BOOKMARKs by presence and shape,
/// and the `k8s.io/initial-events-end` bookmark of a streaming list by its place after the
/// initial events.
///
/// Where plain BOOKMARKs fall between other events is not compared: the real server sends them
/// on a timer (two seconds before the watch's deadline, bucketed by the second), and the
/// replay's writes do not run at the recorder's pace.
enum WatchComparison {
    static let initialEventsEnd = "k8s.io/initial-events-end"

    static func compare(recorded: [JSON], total: Int?, actual: [JSON], into shape: inout ShapeComparison) {
        if let total {
            compareTrimmed(recorded, total: total, actual: actual, into: &shape)
            return
        }
        let recordedEvents = recorded.filter { !isBookmark($0) }
        let ourEvents = actual.filter { !isBookmark($0) }
        let recordedTypes = recordedEvents.map(type), ourTypes = ourEvents.map(type)
        if recordedTypes != ourTypes {
            shape.note("events", "types \(list(ourTypes)), recorded \(list(recordedTypes))")
        }
        for (index, (r, a)) in zip(recordedEvents, ourEvents).enumerated() where type(r) == type(a) {
            shape.compare(r, a, at: "events[\(index) \(type(r))]")
        }
        compareBookmarks(recorded, actual, into: &shape)
    }

    /// A long stream the recording kept only the first and last events of.
    private static func compareTrimmed(_ recorded: [JSON], total: Int, actual: [JSON], into shape: inout ShapeComparison) {
        let split = recorded.firstIndex { $0["note"] != nil } ?? recorded.count
        let head = Array(recorded[..<split]), tail = Array(recorded[min(split + 1, recorded.count)...])
        if actual.count != total {
            shape.note("events", "\(actual.count) events (\(summary(actual))), recorded \(total)")
        }
        for (index, (r, a)) in zip(head, actual).enumerated() {
            if type(r) != type(a) { shape.note("events[\(index)]", "\(type(a)), recorded \(type(r))") } else { shape.compare(r, a, at: "events[\(index) \(type(r))]") }
        }
        guard actual.count >= head.count + tail.count else { return }
        for (offset, (r, a)) in zip(tail, actual.suffix(tail.count)).enumerated() {
            let index = actual.count - tail.count + offset
            if type(r) != type(a) { shape.note("events[\(index)]", "\(type(a)), recorded \(type(r))") } else { shape.compare(r, a, at: "events[\(index) \(type(r))]") }
        }
    }

    private static func compareBookmarks(_ recorded: [JSON], _ actual: [JSON], into shape: inout ShapeComparison) {
        let recordedEnd = recorded.firstIndex(where: isInitialEventsEnd)
        let ourEnd = actual.firstIndex(where: isInitialEventsEnd)
        switch (recordedEnd, ourEnd) {
        case let (r?, a?):
            let before = { (events: [JSON], end: Int) in events[..<end].filter { !isBookmark($0) }.count }
            if before(recorded, r) != before(actual, a) {
                shape.note("events", "the \(initialEventsEnd) BOOKMARK after \(before(actual, a)) events, recorded after \(before(recorded, r))")
            }
            shape.compare(recorded[r], actual[a], at: "events[\(a) BOOKMARK \(initialEventsEnd)]")
        case (_?, nil):
            shape.note("events", "no \(initialEventsEnd) BOOKMARK")
        case (nil, let a?):
            shape.note("events[\(a)]", "an unexpected \(initialEventsEnd) BOOKMARK")
        case (nil, nil):
            break
        }
        let recordedPlain = recorded.filter { isBookmark($0) && !isInitialEventsEnd($0) }
        let ourPlain = actual.enumerated().filter { isBookmark($0.element) && !isInitialEventsEnd($0.element) }
        if let model = recordedPlain.first {
            if ourPlain.isEmpty { shape.note("events", "no BOOKMARK, recorded \(recordedPlain.count) (\(summary(recorded)))") }
            for (index, bookmark) in ourPlain { shape.compare(model, bookmark, at: "events[\(index) BOOKMARK]") }
        } else if let (index, _) = ourPlain.first {
            shape.note("events[\(index)]", "an unexpected BOOKMARK (\(summary(actual))), recorded none")
        }
    }

    static func type(_ event: JSON) -> String { event["type"]?.stringValue ?? "?" }
    static func isBookmark(_ event: JSON) -> Bool { type(event) == "BOOKMARK" }
    static func isInitialEventsEnd(_ event: JSON) -> Bool {
        isBookmark(event) && event[path: ["object", "metadata", "annotations", initialEventsEnd]] != nil
    }

    private static func list(_ types: [String]) -> String { types.isEmpty ? "none" : types.joined(separator: ",") }

    static func summary(_ events: [JSON]) -> String {
        let types = events.map(type)
        return types.count > 12 ? list(Array(types.prefix(6))) + ",...," + list(Array(types.suffix(3))) : list(types)
    }
}
