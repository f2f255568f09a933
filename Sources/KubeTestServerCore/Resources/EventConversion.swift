import KubeCore

/// Core v1 Events and events.k8s.io/v1 Events are one storage seen through two APIs
/// (`kubectl describe` reads core, controllers write events.k8s.io). Objects are stored in the
/// core shape and converted at the edge.
enum EventConversion {
    private static let pairs: [(core: String, events: String)] = [
        ("involvedObject", "regarding"), ("message", "note"), ("reportingComponent", "reportingController"),
        ("source", "deprecatedSource"), ("firstTimestamp", "deprecatedFirstTimestamp"),
        ("lastTimestamp", "deprecatedLastTimestamp"), ("count", "deprecatedCount"),
    ]

    static func toCore(_ object: JSON) -> JSON {
        var o = object
        o["apiVersion"] = "v1"
        for (core, events) in pairs {
            if let v = o[events] { o[core] = v }
            o[events] = nil
        }
        if o["source"] == nil { o["source"] = [:] }
        if o["involvedObject"] == nil { o["involvedObject"] = [:] }
        // Zero metav1.Times the core type writes as null (golden 082: the core view of an Event
        // written through events.k8s.io).
        for field in ["firstTimestamp", "lastTimestamp"] where o[field] == nil { o[field] = .null }
        return o
    }

    static func toEventsV1(_ object: JSON) -> JSON {
        var o = object
        o["apiVersion"] = "events.k8s.io/v1"
        for (core, events) in pairs {
            o[events] = o[core]
            o[core] = nil
        }
        for field in ["deprecatedFirstTimestamp", "deprecatedLastTimestamp"] where o[field] == nil { o[field] = .null }
        if o["deprecatedSource"] == nil { o["deprecatedSource"] = [:] }
        if o["deprecatedCount"]?.intValue == 0 { o["deprecatedCount"] = nil }
        return o
    }
}
