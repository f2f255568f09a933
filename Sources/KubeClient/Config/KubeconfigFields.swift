import Foundation
import KubeCore

/// Reads typed fields out of one mapping of a kubeconfig, turning a wrong type or bad base64 into
/// a `ConfigError` that names the file and the field's path.
///
/// Empty strings count as unset, as they do for client-go (its fields are plain Go strings and
/// every check is `len(x) == 0`).
struct KubeconfigFields {
    let object: [String: JSON]
    /// The path of this mapping inside the file, e.g. `users["alice"].user`.
    let path: String
    let file: String

    init(_ object: [String: JSON], path: String, file: String) {
        self.object = object
        self.path = path
        self.file = file
    }

    func fieldPath(_ key: String) -> String {
        path.isEmpty ? key : "\(path).\(key)"
    }

    func error(_ key: String?, _ message: String) -> ConfigError {
        ConfigError(file: file, field: key.map(fieldPath) ?? (path.isEmpty ? nil : path), message: message)
    }

    private func typeError(_ key: String, _ value: JSON, _ expected: String) -> ConfigError {
        error(key, "expected \(expected), got \(value.typeName) \(String(decoding: value.serialized(), as: UTF8.self))")
    }

    func string(_ key: String) throws(ConfigError) -> String? {
        switch object[key] {
        case nil, .null?: return nil
        case let .string(text)?: return text.isEmpty ? nil : text
        case let other?: throw typeError(key, other, "a string")
        }
    }

    func bool(_ key: String) throws(ConfigError) -> Bool {
        switch object[key] {
        case nil, .null?: return false
        case let .bool(value)?: return value
        case let other?: throw typeError(key, other, "a boolean")
        }
    }

    /// A `*-data` field: base64 in the file (Go's `[]byte` JSON encoding, which skips line breaks).
    func base64(_ key: String) throws(ConfigError) -> [UInt8]? {
        guard let text = try string(key) else { return nil }
        let compact = text.filter { $0 != "\n" && $0 != "\r" }
        guard let data = Data(base64Encoded: compact) else {
            throw error(key, "illegal base64 data")
        }
        return data.isEmpty ? nil : [UInt8](data)
    }

    func strings(_ key: String) throws(ConfigError) -> [String] {
        switch object[key] {
        case nil, .null?: return []
        case let .array(items)?:
            var out: [String] = []
            for (index, item) in items.enumerated() {
                guard case let .string(text) = item else {
                    throw typeError("\(key)[\(index)]", item, "a string")
                }
                out.append(text)
            }
            return out
        case let other?: throw typeError(key, other, "a list of strings")
        }
    }

    func nested(_ key: String, path nestedPath: String? = nil) throws(ConfigError) -> KubeconfigFields? {
        switch object[key] {
        case nil, .null?: return nil
        case let .object(value)?: return KubeconfigFields(value, path: nestedPath ?? fieldPath(key), file: file)
        case let other?: throw typeError(key, other, "a mapping")
        }
    }

    func array(_ key: String) throws(ConfigError) -> [JSON] {
        switch object[key] {
        case nil, .null?: return []
        case let .array(items)?: return items
        case let other?: throw typeError(key, other, "a list")
        }
    }

    /// A `[{name: …, <entry>: {…}}]` list (clusters, users, contexts, extensions) as a map.
    /// Duplicate names are an error, as in client-go's v1 → internal conversion.
    func namedList(_ key: String, entry: String) throws(ConfigError) -> [(name: String, fields: KubeconfigFields)] {
        var seen: Set<String> = []
        var out: [(String, KubeconfigFields)] = []
        for (index, item) in try array(key).enumerated() {
            guard case let .object(named) = item else {
                throw error("\(key)[\(index)]", "expected a mapping with name and \(entry), got \(item.typeName)")
            }
            let wrapper = KubeconfigFields(named, path: "\(fieldPath(key))[\(index)]", file: file)
            let name = try wrapper.string("name") ?? ""
            guard seen.insert(name).inserted else {
                throw error("\(key)[\(index)].name", "duplicate name \"\(name)\" in list")
            }
            let entryPath = "\(fieldPath(key))[\"\(name)\"].\(entry)"
            let fields = try wrapper.nested(entry, path: entryPath) ?? KubeconfigFields([:], path: entryPath, file: file)
            out.append((name, fields))
        }
        return out
    }
}
