import KubeCore

/// One `metadata.managedFields` entry: the fields one manager owns through one operation.
public struct ManagedFieldsEntry: Sendable, Equatable {
    public var manager: String
    /// `Apply` or `Update`.
    public var operation: String
    public var apiVersion: String
    /// RFC 3339, seconds (`2026-11-23T03:51:49Z`); nil only when a client sent an entry without one.
    public var time: String?
    public var fieldsType: String
    public var fieldsV1: JSON
    /// `status` for writes through the status subresource.
    public var subresource: String?

    public init(manager: String, operation: String, apiVersion: String, time: String?,
                fieldsType: String = "FieldsV1", fieldsV1: JSON, subresource: String? = nil) {
        self.manager = manager
        self.operation = operation
        self.apiVersion = apiVersion
        self.time = time
        self.fieldsType = fieldsType
        self.fieldsV1 = fieldsV1
        self.subresource = subresource
    }

    public init(json: JSON) {
        manager = json["manager"]?.stringValue ?? ""
        operation = json["operation"]?.stringValue ?? ""
        apiVersion = json["apiVersion"]?.stringValue ?? ""
        time = json["time"]?.stringValue
        fieldsType = json["fieldsType"]?.stringValue ?? "FieldsV1"
        fieldsV1 = json["fieldsV1"] ?? .object([:])
        subresource = json["subresource"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Entries from `metadata.managedFields` of an object (empty when absent or malformed).
    public static func list(from object: JSON?) -> [ManagedFieldsEntry] {
        (object?["metadata"]?["managedFields"]?.arrayValue ?? []).filter { $0.objectValue != nil }.map(ManagedFieldsEntry.init(json:))
    }

    public var json: JSON {
        var out: [String: JSON] = [
            "manager": .string(manager),
            "operation": .string(operation),
            "apiVersion": .string(apiVersion),
            "fieldsType": .string(fieldsType),
            "fieldsV1": fieldsV1,
        ]
        if let time { out["time"] = .string(time) }
        if let subresource { out["subresource"] = .string(subresource) }
        return .object(out)
    }

    public var isApply: Bool { operation == "Apply" }

    /// What makes two entries the same manager (`BuildManagerIdentifier`): manager, operation and
    /// subresource, plus the apiVersion for updates (an applier keeps one entry across versions).
    var identity: Identity {
        Identity(manager: manager, operation: operation, apiVersion: isApply ? "" : apiVersion, subresource: subresource ?? "")
    }

    struct Identity: Hashable {
        var manager: String
        var operation: String
        var apiVersion: String
        var subresource: String
    }

    /// `printManager`: `"team-a"`, `"kubectl" using apps/v1`, `"ctl" with subresource "status" using v1`.
    var conflictName: String {
        var s = GoFormat.quote(manager)
        if let subresource { s += " with subresource \(GoFormat.quote(subresource))" }
        if !isApply { s += " using \(apiVersion)" }
        return s
    }
}
