import KubeCore

/// The resources served right now: the built-ins plus one entry per served version of every
/// established CustomResourceDefinition.
public struct ResourceRegistry: Sendable {
    public private(set) var resources: [ResourceType]
    private var byPath: [String: Int] = [:]

    public init(_ resources: [ResourceType]) {
        self.resources = []
        for r in resources { add(r) }
    }

    mutating func add(_ resource: ResourceType) {
        if let existing = byPath[Self.key(resource.groupVersion, resource.plural)] {
            resources[existing] = resource
        } else {
            byPath[Self.key(resource.groupVersion, resource.plural)] = resources.count
            resources.append(resource)
        }
    }

    mutating func removeCustom(crdName: String) {
        resources.removeAll { $0.custom?.crdName == crdName }
        byPath = [:]
        for (i, r) in resources.enumerated() { byPath[Self.key(r.groupVersion, r.plural)] = i }
    }

    private static func key(_ gv: String, _ plural: String) -> String { "\(gv)|\(plural)" }

    public func resource(groupVersion: String, plural: String) -> ResourceType? {
        byPath[Self.key(groupVersion, plural)].map { resources[$0] }
    }

    public func resource(apiVersion: String, kind: String) -> ResourceType? {
        resources.first { $0.apiVersion == apiVersion && $0.kind == kind }
    }

    /// Group versions in discovery order: core first, then groups by name.
    public var groupVersions: [String] {
        var seen = Set<String>()
        var ordered: [String] = []
        for r in resources where !seen.contains(r.groupVersion) {
            seen.insert(r.groupVersion)
            ordered.append(r.groupVersion)
        }
        return ordered
    }

    public func resources(in groupVersion: String) -> [ResourceType] {
        resources.filter { $0.groupVersion == groupVersion }
    }
}
