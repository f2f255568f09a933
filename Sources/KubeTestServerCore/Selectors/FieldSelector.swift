import KubeCore

/// A field selector (`metadata.name=x,status.phase!=Running`). Only the fields a resource
/// declares selectable are allowed; anything else is the real server's 400
/// `field label not supported: <field>`.
public struct FieldSelector: Sendable, Equatable {
    public struct Requirement: Sendable, Equatable {
        public var field: String
        public var value: String
        public var negated: Bool
    }

    public var requirements: [Requirement]
    public static let everything = FieldSelector(requirements: [])

    public init(requirements: [Requirement]) { self.requirements = requirements }

    public static func parse(_ text: String, allowed: Set<String>) throws(APIError) -> FieldSelector {
        var requirements: [Requirement] = []
        for term in text.split(separator: ",", omittingEmptySubsequences: true) {
            let term = String(term).trimmingSpaces
            let negated: Bool
            let parts: [Substring]
            if let range = term.range(of: "!=") {
                negated = true
                parts = [term[..<range.lowerBound], term[range.upperBound...]]
            } else if let range = term.range(of: "==") {
                negated = false
                parts = [term[..<range.lowerBound], term[range.upperBound...]]
            } else if let range = term.range(of: "=") {
                negated = false
                parts = [term[..<range.lowerBound], term[range.upperBound...]]
            } else {
                throw APIError.badRequest("invalid selector: '\(text)'; can't understand '\(term)'")
            }
            let field = String(parts[0]).trimmingSpaces
            guard allowed.contains(field) else {
                throw APIError.badRequest("field label not supported: \(field)")
            }
            requirements.append(Requirement(field: field, value: String(parts[1]).trimmingSpaces, negated: negated))
        }
        return FieldSelector(requirements: requirements)
    }

    public func matches(_ object: JSON) -> Bool {
        requirements.allSatisfy { requirement in
            let actual = FieldSelector.value(of: requirement.field, in: object)
            return (actual == requirement.value) != requirement.negated
        }
    }

    /// The string value of a selectable field. Missing fields read as "", as in the real server.
    static func value(of field: String, in object: JSON) -> String {
        switch object[dotted: field] {
        case let .string(s)?: return s
        case let .int(i)?: return String(i)
        case let .bool(b)?: return String(b)
        default: return ""
        }
    }

    /// Selectable fields per kind, besides metadata.name and metadata.namespace which every kind has.
    static func selectableFields(kind: String, group: String) -> Set<String> {
        var fields: Set<String> = ["metadata.name", "metadata.namespace"]
        switch (group, kind) {
        case ("", "Event"):
            fields.formUnion(["involvedObject.kind", "involvedObject.namespace", "involvedObject.name", "involvedObject.uid",
                              "involvedObject.apiVersion", "involvedObject.resourceVersion", "involvedObject.fieldPath",
                              "reason", "reportingComponent", "source", "type"])
        case ("events.k8s.io", "Event"):
            fields.formUnion(["regarding.kind", "regarding.namespace", "regarding.name", "regarding.uid",
                              "regarding.apiVersion", "reason", "reportingController", "type"])
        case ("", "Pod"):
            fields.formUnion(["spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName",
                              "status.phase", "status.podIP", "status.nominatedNodeName"])
        case ("", "Secret"):
            fields.insert("type")
        case ("", "Namespace"):
            fields.insert("status.phase")
        case ("batch", "Job"):
            fields.insert("status.successful")
        default: break
        }
        return fields
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while s.first?.isWhitespace == true { s = s.dropFirst() }
        while s.last?.isWhitespace == true { s = s.dropLast() }
        return String(s)
    }
}

/// What a list or watch selects: a namespace, labels and fields.
public struct ObjectFilter: Sendable {
    public var namespace: String?
    public var labels: LabelSelector
    public var fields: FieldSelector

    public init(namespace: String? = nil, labels: LabelSelector = .everything, fields: FieldSelector = .everything) {
        self.namespace = namespace
        self.labels = labels
        self.fields = fields
    }

    public func matches(_ object: StoredObject) -> Bool {
        if let namespace, object.namespace != namespace { return false }
        if !labels.requirements.isEmpty, !labels.matches(object.labels) { return false }
        if !fields.requirements.isEmpty, !fields.matches(object.object) { return false }
        return true
    }
}
