import KubeCore

/// What the rollout needs of the HTTPRoute it owns, read once from the cached object: whether
/// every parent (Gateway) accepted the route as it now stands, and what they said if not.
///
/// Gateway API implementations write one `status.parents[]` entry per parent they serve, with
/// `Accepted` and `ResolvedRefs` conditions whose `observedGeneration` says which spec they judged.
/// A parent with no entry has not answered (no controller serves it, or not yet); an entry for an
/// older generation describes a route that no longer exists.
public struct ObservedRoute: Sendable, Equatable {
    public enum Acceptance: Sendable, Equatable {
        /// Every parent accepted this generation and resolved its backends.
        case accepted
        /// Some parent has not answered for this generation yet.
        case pending(String)
        /// Some parent answered Accepted or ResolvedRefs False.
        case refused(String)
    }

    public var name: String
    public var namespace: String
    public var generation: Int64
    /// Parent references as the route's spec lists them (with the API's defaults).
    public var parentRefs: [JSON]
    public var parents: [JSON]

    public init(name: String, namespace: String = "", generation: Int64, parentRefs: [JSON], parents: [JSON]) {
        self.name = name
        self.namespace = namespace
        self.generation = generation
        self.parentRefs = parentRefs
        self.parents = parents
    }

    public init?(json: JSON) {
        guard let name = json[path: ["metadata", "name"]]?.stringValue else { return nil }
        self.init(name: name, namespace: json[path: ["metadata", "namespace"]]?.stringValue ?? "",
                  generation: json[path: ["metadata", "generation"]]?.intValue ?? 0,
                  parentRefs: json[path: ["spec", "parentRefs"]]?.arrayValue ?? [],
                  parents: json[path: ["status", "parents"]]?.arrayValue ?? [])
    }

    /// Whether the route at `generation` (the one the operator applied; never older than that) is
    /// accepted by all its parents.
    public func acceptance(atLeast generation: Int64?) -> Acceptance {
        let wanted = max(generation ?? 0, 0)
        guard self.generation >= wanted else {
            return .pending("HTTPRoute \(name) is not yet seen at generation \(wanted)")
        }
        var waiting: [String] = []
        for ref in parentRefs {
            let parent = Self.describe(ref)
            guard let entry = parents.first(where: { sameParent($0["parentRef"] ?? [:], ref) }) else {
                waiting.append("\(parent) has not accepted it yet")
                continue
            }
            let conditions = entry["conditions"]?.arrayValue ?? []
            for type in ["Accepted", "ResolvedRefs"] {
                guard let condition = conditions.first(where: { $0["type"]?.stringValue == type }),
                      (condition["observedGeneration"]?.intValue ?? self.generation) >= self.generation else {
                    waiting.append("\(parent) has not reported \(type) for generation \(self.generation)")
                    continue
                }
                if condition["status"]?.stringValue != "True" {
                    let reason = condition["reason"]?.stringValue ?? type
                    let message = condition["message"]?.stringValue ?? ""
                    return .refused("\(parent): \(type) False (\(reason))\(message.isEmpty ? "" : ": \(message)")")
                }
            }
        }
        if waiting.isEmpty { return .accepted }
        return .pending("HTTPRoute \(name): " + waiting.joined(separator: "; "))
    }

    /// Parent references match when group, kind, namespace, name, sectionName and port agree,
    /// with the API's defaults filled in (group gateway.networking.k8s.io, kind Gateway, the
    /// route's own namespace): implementations echo the reference, with or without them.
    func sameParent(_ a: JSON, _ b: JSON) -> Bool {
        func key(_ ref: JSON) -> [String] {
            [ref["group"]?.stringValue ?? "gateway.networking.k8s.io", ref["kind"]?.stringValue ?? "Gateway",
             ref["namespace"]?.stringValue ?? namespace, ref["name"]?.stringValue ?? "", ref["sectionName"]?.stringValue ?? "",
             ref["port"]?.intValue.map(String.init) ?? ""]
        }
        return key(a) == key(b)
    }

    static func describe(_ ref: JSON) -> String {
        var text = "\(ref["kind"]?.stringValue ?? "Gateway") \(ref["namespace"]?.stringValue.map { "\($0)/" } ?? "")\(ref["name"]?.stringValue ?? "")"
        if let section = ref["sectionName"]?.stringValue { text += " (\(section))" }
        return text
    }
}
