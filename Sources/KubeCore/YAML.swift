import Yams

/// Why a YAML document could not become JSON.
public struct YAMLError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

extension JSON {
    /// The YAML resolver the API machinery behaves like (sigs.k8s.io/yaml over YAML 1.1):
    /// booleans, integers, floats and null are typed; timestamps stay strings.
    private static let resolver = Resolver.default.removing(.timestamp).removing(.value)

    /// Parses every document of a YAML stream (`---` separated) into JSON values. Empty
    /// documents are skipped, as kubectl skips them.
    public static func parseYAMLDocuments(_ text: String) throws(YAMLError) -> [JSON] {
        do {
            var documents: [JSON] = []
            var sequence = try Yams.compose_all(yaml: text, resolver)
            while let node = sequence.next() {
                let value = try JSON(yaml: node)
                if !value.isNull { documents.append(value) }
            }
            if let error = sequence.error { throw error }
            return documents
        } catch let error as YAMLError {
            throw error
        } catch {
            throw YAMLError(message: "error converting YAML to JSON: \(error)")
        }
    }

    /// Parses one YAML document (JSON is YAML, so this reads JSON too).
    public static func parseYAML(_ text: String) throws(YAMLError) -> JSON {
        do {
            guard let node = try Yams.compose(yaml: text, resolver) else { return .null }
            return try JSON(yaml: node)
        } catch let error as YAMLError {
            throw error
        } catch {
            throw YAMLError(message: "error converting YAML to JSON: \(error)")
        }
    }

    init(yaml node: Node) throws {
        switch node {
        case let .scalar(scalar):
            // `node.tag` resolves implicit (plain) scalars through the resolver; `scalar.tag` is
            // still the unresolved "?" tag and would turn every number and boolean into a string.
            switch Tag.Name(rawValue: node.tag.rawValue) {
            case .null: self = .null
            case .bool: self = node.bool.map(JSON.bool) ?? .string(scalar.string)
            case .int:
                if let i = node.int { self = .int(Int64(i)) } else { self = .string(scalar.string) }
            case .float: self = node.float.map(JSON.double) ?? .string(scalar.string)
            default: self = .string(scalar.string)
            }
        case let .sequence(sequence):
            self = .array(try sequence.map { try JSON(yaml: $0) })
        case let .mapping(mapping):
            var object: [String: JSON] = [:]
            for (key, value) in mapping {
                if key.tag.rawValue == Tag.Name.merge.rawValue, case let .mapping(merged) = value {
                    for (mk, mv) in merged where object[mk.string ?? ""] == nil {
                        object[mk.string ?? ""] = try JSON(yaml: mv)
                    }
                    continue
                }
                guard let name = key.string ?? key.scalar?.string else {
                    throw YAMLError(message: "error converting YAML to JSON: non-scalar map key")
                }
                object[name] = try JSON(yaml: value)
            }
            self = .object(object)
        case let .alias(alias):
            throw YAMLError(message: "error converting YAML to JSON: unresolved alias \(alias)")
        }
    }
}
