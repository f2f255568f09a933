import Foundation
import KubeCore

/// Compares a recorded response body with ours by shape: the same fields at every level
/// (including `apiVersion`/`kind` on list items and watch event objects), the same JSON types,
/// strings of the same format, `kind` and `apiVersion` values equal, and a `Status` compared in
/// full (status, reason, message, code, details with its causes). Other values are not compared:
/// uids, resourceVersions, timestamps, generated names, clusterIPs and continue tokens are
/// volatile, and a field's value is the business of the focused tests of that area.
///
/// Lists of objects are matched by identity (`metadata.name`, `name`, `type`, ...; a generated
/// name by its prefix), so a missing or extra element is named instead of shifting every later
/// one. While comparing, the volatile values at the same place are collected (recorded → ours),
/// for translating later requests that name them (a stale resourceVersion, a continue token).
struct ShapeComparison {
    private(set) var differences: [ReplayDifference] = []
    /// Recorded volatile value → ours: resourceVersions, uids, continue tokens, generated names.
    private(set) var volatile: [String: String] = [:]
    /// The real server reported these causes in Go map order, which varies between requests
    /// (019, 106): compare them as a set, and the message as the same causes in our order.
    var unorderedCauses = false

    /// Fields whose values identify what an object is, compared exactly.
    static let exactKeys: Set<String> = ["kind", "apiVersion"]
    /// Build metadata of /version, compared by presence: the recording's server was a
    /// development build (gitVersion v0.0.0-master+…, an empty gitTreeState).
    static let buildKeys: Set<String> = ["gitVersion", "gitCommit", "gitTreeState", "buildDate", "goVersion"]
    /// Fields whose recorded values name a state or object of the recording's server.
    static let volatileKeys: Set<String> = ["resourceVersion", "uid", "continue"]

    mutating func compare(_ recorded: JSON, _ actual: JSON, at path: String) {
        if recorded["kind"]?.stringValue == "Status", recorded["apiVersion"]?.stringValue == "v1" {
            compareStatus(recorded, actual, at: path)
            return
        }
        compareValue(recorded, actual, at: path, key: nil)
    }

    mutating func note(_ path: String, _ detail: String) {
        differences.append(ReplayDifference(path: path, detail: detail))
    }

    mutating func learn(recorded: String, actual: String) {
        if !recorded.isEmpty, recorded != actual { volatile[recorded] = actual }
    }

    // MARK: - Values

    private mutating func compareValue(_ recorded: JSON, _ actual: JSON, at path: String, key: String?) {
        switch (recorded, actual) {
        case let (.object(r), .object(a)):
            compareObject(r, a, at: path)
        case let (.array(r), .array(a)):
            compareArray(r, a, at: path)
        case let (.string(r), .string(a)):
            if let key, Self.exactKeys.contains(key) {
                if r != a { note(path, "\(key) is \(quoted(a)), recorded \(quoted(r))") }
                return
            }
            if let key, Self.volatileKeys.contains(key) { learn(recorded: r, actual: a) }
            if let key, Self.buildKeys.contains(key) { return }
            let (rf, af) = (StringFormat(r), StringFormat(a))
            if rf != af { note(path, "\(af.rawValue) \(quoted(a)), recorded \(rf.rawValue) \(quoted(r))") }
        case (.null, .null), (.bool, .bool):
            return
        case (.int, .int), (.int, .double), (.double, .int), (.double, .double):
            return
        default:
            note(path, "\(actual.typeName) where the recording has \(recorded.typeName)")
        }
    }

    private mutating func compareObject(_ recorded: [String: JSON], _ actual: [String: JSON], at path: String) {
        let recorded = Self.normalisingFieldKeys(recorded), actual = Self.normalisingFieldKeys(actual)
        let missing = recorded.keys.filter { actual[$0] == nil }.sorted()
        let extra = actual.keys.filter { recorded[$0] == nil }.sorted()
        if !missing.isEmpty { note(path, "missing \(missing.joined(separator: ", "))") }
        if !extra.isEmpty { note(path, "unexpected \(extra.joined(separator: ", "))") }
        if recorded["generateName"] != nil, let r = recorded["name"]?.stringValue, let a = actual["name"]?.stringValue {
            learn(recorded: r, actual: a)
        }
        for key in recorded.keys.sorted() {
            guard let r = recorded[key], let a = actual[key] else { continue }
            compareValue(r, a, at: path + "." + key, key: key)
        }
    }

    private mutating func compareArray(_ recorded: [JSON], _ actual: [JSON], at path: String) {
        if let r = Self.identities(recorded), let a = Self.identities(actual) {
            let ours = Dictionary(zip(a, actual), uniquingKeysWith: { first, _ in first })
            let missing = r.filter { ours[$0] == nil }
            let extra = a.filter { !r.contains($0) }
            if !missing.isEmpty { note(path, "missing element\(missing.count == 1 ? "" : "s") \(missing.joined(separator: ", "))") }
            if !extra.isEmpty { note(path, "unexpected element\(extra.count == 1 ? "" : "s") \(extra.joined(separator: ", "))") }
            let common = r.filter { ours[$0] != nil }
            if path.hasSuffix(".items"), common != a.filter({ r.contains($0) }) {
                note(path, "order \(a.filter { r.contains($0) }.joined(separator: ", ")), recorded \(common.joined(separator: ", "))")
            }
            for (id, element) in zip(r, recorded) {
                if let theirs = ours[id] { compareValue(element, theirs, at: "\(path)[\(id)]", key: nil) }
            }
            return
        }
        if recorded.count != actual.count {
            let scalars = (recorded + actual).allSatisfy { $0.objectValue == nil && $0.arrayValue == nil }
            if scalars {
                let r = recorded.map(\.description), a = actual.map(\.description)
                let missing = r.filter { !a.contains($0) }, extra = a.filter { !r.contains($0) }
                note(path, "\(actual.count) elements, recorded \(recorded.count)"
                    + (missing.isEmpty ? "" : "; missing \(missing.joined(separator: ", "))")
                    + (extra.isEmpty ? "" : "; unexpected \(extra.joined(separator: ", "))"))
            } else {
                note(path, "\(actual.count) elements, recorded \(recorded.count)")
            }
        }
        for (index, (r, a)) in zip(recorded, actual).enumerated() {
            compareValue(r, a, at: "\(path)[\(index)]", key: nil)
        }
    }

    /// Members of a managedFields set keyed by a list entry whose key holds a volatile value
    /// (`k:{"uid":"…"}` of an owner reference, `k:{"ip":"…"}` of a pod IP), that value replaced
    /// by its format.
    static func normalisingFieldKeys(_ members: [String: JSON]) -> [String: JSON] {
        guard members.keys.contains(where: { $0.hasPrefix("k:") }) else { return members }
        var result: [String: JSON] = [:]
        for (key, value) in members {
            guard key.hasPrefix("k:"), case let .object(fields)? = try? JSON.parse(String(key.dropFirst(2))) else {
                result[key] = value
                continue
            }
            let normalised = fields.mapValues { field -> JSON in
                guard let text = field.stringValue else { return field }
                switch StringFormat(text) {
                case .uuid, .ipv4: return .string("<\(StringFormat(text).rawValue)>")
                default: return field
                }
            }
            result["k:" + JSON.object(normalised).serializedString()] = value
        }
        return result
    }

    /// The identity of each element of a list of objects, or nil when they have none (or two
    /// share one): list items by name, list-map entries by their key fields.
    static func identities(_ elements: [JSON]) -> [String]? {
        guard !elements.isEmpty else { return nil }
        var ids: [String] = []
        for element in elements {
            guard let id = identity(element) else { return nil }
            ids.append(id)
        }
        return Set(ids).count == ids.count ? ids : nil
    }

    static func identity(_ element: JSON) -> String? {
        guard element.objectValue != nil else { return nil }
        if let metadata = element["metadata"] ?? element["object"]?["metadata"] {
            if let prefix = metadata["generateName"]?.stringValue { return prefix + "*" }
            if let name = metadata["name"]?.stringValue { return GeneratedName.pattern(name) }
        }
        if let manager = element["manager"]?.stringValue {
            return [manager, element["operation"]?.stringValue ?? "", element["subresource"]?.stringValue ?? ""]
                .joined(separator: "/")
        }
        for key in ["name", "type", "resource", "version", "groupVersion", "key", "path", "mountPath", "port"] {
            if let value = element[key], value.objectValue == nil, value.arrayValue == nil {
                let text = value.stringValue ?? value.description
                return key == "name" ? GeneratedName.pattern(text) : "\(key)=\(text)"
            }
        }
        return nil
    }

    private func quoted(_ s: String) -> String {
        s.count > 80 ? "\"\(s.prefix(77))...\"" : "\"\(s)\""
    }

    // MARK: - Status

    /// A `Status` (errors, delete answers, watch ERROR events): everything but volatile values
    /// (details.uid, the resourceVersions in "too old resource version").
    private mutating func compareStatus(_ recorded: JSON, _ actual: JSON, at path: String) {
        guard actual.objectValue != nil else {
            note(path, "\(actual.typeName) where the recording has a Status")
            return
        }
        for key in ["kind", "apiVersion", "status", "reason", "code"] where recorded[key] != actual[key] {
            note(path + "." + key, "\(actual[key]?.description ?? "absent"), recorded \(recorded[key]?.description ?? "absent")")
        }
        var shapeOnly = recorded, ours = actual
        for key in ["kind", "apiVersion", "status", "reason", "code", "message", "details"] {
            shapeOnly[key] = nil
            ours[key] = nil
        }
        compareValue(shapeOnly, ours, at: path, key: nil)
        compareDetails(recorded["details"], actual["details"], at: path + ".details")
        let expected = expectedMessage(recorded, actual)
        let message = actual["message"]?.stringValue
        if Self.normalised(expected) != Self.normalised(message) {
            note(path + ".message", "\(message.map { "\"\($0)\"" } ?? "absent"), recorded \(expected.map { "\"\($0)\"" } ?? "absent")")
        }
    }

    private mutating func compareDetails(_ recorded: JSON?, _ actual: JSON?, at path: String) {
        guard let recorded, !recorded.isNull else {
            if let actual, !actual.isNull { note(path, "present (\(actual)), recorded absent") }
            return
        }
        guard let actual, !actual.isNull else {
            note(path, "absent, recorded \(recorded)")
            return
        }
        let keys = Set((recorded.objectValue ?? [:]).keys).union((actual.objectValue ?? [:]).keys)
        for key in keys.sorted() {
            let r = recorded[key], a = actual[key]
            switch key {
            case "uid":
                if (r == nil) != (a == nil) { note(path + ".uid", a == nil ? "absent, recorded present" : "present, recorded absent") }
            case "causes":
                compareCauses(r?.arrayValue ?? [], a?.arrayValue ?? [], at: path + ".causes", present: (r != nil, a != nil))
            default:
                if r != a { note(path + "." + key, "\(a?.description ?? "absent"), recorded \(r?.description ?? "absent")") }
            }
        }
    }

    private mutating func compareCauses(_ recorded: [JSON], _ actual: [JSON], at path: String, present: (Bool, Bool)) {
        if present.0 != present.1 { note(path, present.1 ? "present, recorded absent" : "absent, recorded present") }
        let same = unorderedCauses ? recorded.sortedByDescription() == actual.sortedByDescription() : recorded == actual
        guard !same else { return }
        if recorded.sortedByDescription() == actual.sortedByDescription() {
            note(path, "the same causes in another order: \(actual.map { $0["field"]?.stringValue ?? "?" })")
            return
        }
        // Multisets: the real server can report one cause twice (065).
        var unmatched = actual
        for cause in recorded {
            if let index = unmatched.firstIndex(of: cause) { unmatched.remove(at: index) } else { note(path, "missing \(cause)") }
        }
        for cause in unmatched { note(path, "unexpected \(cause)") }
    }

    /// The recorded message; for causes in Go map order, its `[a, b, c]` list rewritten in the
    /// order of our causes (when they are the same causes).
    private func expectedMessage(_ recorded: JSON, _ actual: JSON) -> String? {
        guard let message = recorded["message"]?.stringValue else { return nil }
        guard unorderedCauses,
              let recordedCauses = recorded[path: ["details", "causes"]]?.arrayValue,
              let ourCauses = actual[path: ["details", "causes"]]?.arrayValue,
              recordedCauses.sortedByDescription() == ourCauses.sortedByDescription(),
              let open = message.range(of: ": ["), message.hasSuffix("]") else { return message }
        let summaries = ourCauses.map { cause in
            "\(cause["field"]?.stringValue ?? ""): \(cause["message"]?.stringValue ?? "")"
        }
        return message[..<open.lowerBound] + ": [" + summaries.joined(separator: ", ") + "]"
    }

    /// A message with its volatile parts replaced: the resourceVersions of "too old resource
    /// version: 1 (219)".
    static func normalised(_ message: String?) -> String? {
        guard let message else { return nil }
        let prefix = "too old resource version: "
        guard message.hasPrefix(prefix) else { return message }
        let rest = message.dropFirst(prefix.count).map { $0.isNumber ? "N" : String($0) }.joined()
        return prefix + rest.replacingOccurrences(of: "N+", with: "N", options: .regularExpression)
    }
}

private extension Array where Element == JSON {
    func sortedByDescription() -> [JSON] { sorted { $0.description < $1.description } }
}
