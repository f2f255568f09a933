import KubeCore

/// RFC 6902 JSON patch (`application/json-patch+json`), with RFC 6901 pointers.
///
/// A body that is not a list of operation objects is a 400 (kube-apiserver fails to decode it);
/// an operation that cannot be applied — a missing path, a bad index, a failed `test` — is a 422.
/// Operations apply in order to a working copy, so a failure leaves the stored object untouched.
public enum JSONPatch {
    public static func apply(_ patch: JSON, to document: JSON) throws(PatchError) -> JSON {
        guard case let .array(operations) = patch else {
            throw .badRequest("json: cannot unmarshal \(patch.typeName) into Go value of type jsonpatch.Patch")
        }
        var doc = document
        for operation in operations {
            guard case let .object(op) = operation else {
                throw .badRequest("json: cannot unmarshal \(operation.typeName) into Go value of type jsonpatch.Operation")
            }
            doc = try apply(op, to: doc)
        }
        return doc
    }

    private static func apply(_ op: [String: JSON], to doc: JSON) throws(PatchError) -> JSON {
        let kind = op["op"]?.stringValue ?? "unknown"
        guard let path = op["path"]?.stringValue else {
            throw .invalid("\(kind) operation does not apply: doc is missing path: \"\": missing value")
        }
        let tokens = try pointer(path)
        switch kind {
        case "add":
            guard let value = op["value"] else { throw .invalid("add operation does not apply: missing value") }
            return try add(value, at: tokens, path: path, in: doc, op: "add")
        case "remove":
            return try remove(at: tokens, path: path, in: doc, op: "remove").doc
        case "replace":
            guard let value = op["value"] else { throw .invalid("replace operation does not apply: missing value") }
            guard get(tokens, in: doc) != nil else {
                throw .invalid("replace operation does not apply: doc is missing key: \(path): missing value")
            }
            if tokens.isEmpty { return value }
            let removed = try remove(at: tokens, path: path, in: doc, op: "replace").doc
            return try add(value, at: tokens, path: path, in: removed, op: "replace")
        case "move", "copy":
            guard let from = op["from"]?.stringValue else {
                throw .invalid("\(kind) operation does not apply: doc is missing from path: \"\": missing value")
            }
            let fromTokens = try pointer(from)
            guard let value = get(fromTokens, in: doc) else {
                throw .invalid("\(kind) operation does not apply: doc is missing from path: \(from): missing value")
            }
            var working = doc
            if kind == "move" {
                if tokens.count > fromTokens.count, Array(tokens.prefix(fromTokens.count)) == fromTokens {
                    throw .invalid("move operation does not apply: cannot move \(from) into its own child \(path)")
                }
                working = try remove(at: fromTokens, path: from, in: doc, op: "move").doc
            }
            return try add(value, at: tokens, path: path, in: working, op: kind)
        case "test":
            let expected = op["value"] ?? .null
            let actual = get(tokens, in: doc) ?? .null
            guard actual == expected else {
                throw .invalid("testing value \(path) failed: test failed")
            }
            return doc
        default:
            throw .invalid("Unexpected kind: \(kind)")
        }
    }

    /// Splits an RFC 6901 pointer; `""` is the whole document.
    static func pointer(_ path: String) throws(PatchError) -> [String] {
        if path.isEmpty { return [] }
        guard path.hasPrefix("/") else {
            throw .invalid("JSON pointer must be empty or start with a \"/\": \(path)")
        }
        return path.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map {
            String($0).replacing("~1", with: "/").replacing("~0", with: "~")
        }
    }

    /// An array index token: decimal digits without a leading zero (RFC 6901 §4).
    private static func index(_ token: String) -> Int? {
        guard !token.isEmpty, token.allSatisfy(\.isASCII), token.allSatisfy(\.isNumber) else { return nil }
        if token.count > 1, token.hasPrefix("0") { return nil }
        return Int(token)
    }

    static func get(_ tokens: [String], in doc: JSON) -> JSON? {
        var current = doc
        for token in tokens {
            switch current {
            case let .object(members):
                guard let next = members[token] else { return nil }
                current = next
            case let .array(items):
                guard let i = index(token), items.indices.contains(i) else { return nil }
                current = items[i]
            default:
                return nil
            }
        }
        return current
    }

    private static func add(_ value: JSON, at tokens: [String], path: String, in doc: JSON, op: String) throws(PatchError) -> JSON {
        guard let last = tokens.last else { return value }
        return try update(parentOf: tokens, in: doc, path: path, op: op) { (parent: JSON) throws(PatchError) -> JSON in
            switch parent {
            case var .object(members):
                members[last] = value
                return .object(members)
            case var .array(items):
                if last == "-" {
                    items.append(value)
                } else if let i = index(last), i <= items.count {
                    items.insert(value, at: i)
                } else {
                    throw .invalid("Unable to access invalid index: \(last): invalid index referenced")
                }
                return .array(items)
            default:
                throw .invalid("\(op) operation does not apply: doc is missing path: \"\(path)\": missing value")
            }
        }
    }

    private static func remove(at tokens: [String], path: String, in doc: JSON, op: String) throws(PatchError) -> (doc: JSON, removed: JSON) {
        guard let last = tokens.last else {
            throw .invalid("\(op) operation does not apply: doc is missing path: \"\(path)\": missing value")
        }
        var removed: JSON = .null
        let result = try update(parentOf: tokens, in: doc, path: path, op: op) { (parent: JSON) throws(PatchError) -> JSON in
            switch parent {
            case var .object(members):
                guard let old = members.removeValue(forKey: last) else {
                    throw .invalid("\(op) operation does not apply: doc is missing path: \"\(path)\": missing value")
                }
                removed = old
                return .object(members)
            case var .array(items):
                guard let i = index(last), items.indices.contains(i) else {
                    throw .invalid("Unable to access invalid index: \(last): invalid index referenced")
                }
                removed = items.remove(at: i)
                return .array(items)
            default:
                throw .invalid("\(op) operation does not apply: doc is missing path: \"\(path)\": missing value")
            }
        }
        return (result, removed)
    }

    /// Rebuilds `doc` with the parent of `tokens` replaced by `change(parent)`.
    private static func update(
        parentOf tokens: [String], in doc: JSON, path: String, op: String,
        _ change: (JSON) throws(PatchError) -> JSON
    ) throws(PatchError) -> JSON {
        func descend(_ node: JSON, _ rest: ArraySlice<String>) throws(PatchError) -> JSON {
            guard rest.count > 1, let token = rest.first else { return try change(node) }
            let missing = PatchError.invalid("\(op) operation does not apply: doc is missing path: \"\(path)\": missing value")
            switch node {
            case var .object(members):
                guard let child = members[token] else { throw missing }
                members[token] = try descend(child, rest.dropFirst())
                return .object(members)
            case var .array(items):
                guard let i = index(token), items.indices.contains(i) else { throw missing }
                items[i] = try descend(items[i], rest.dropFirst())
                return .array(items)
            default:
                throw missing
            }
        }
        return try descend(doc, tokens[...])
    }
}
