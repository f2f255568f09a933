extension JSON: Codable {
    public init(from decoder: any Decoder) throws {
        // Codable cannot ask a value's type, only try one and catch the mismatch, and every miss
        // builds an error: so the likely shapes first. In an object (a pod template, say) the
        // nodes are objects, strings and arrays; numbers and booleans are rare leaves. Int64
        // stays before Double, so an integer stays an integer.
        // Read from a tree: the subtree itself, no trials.
        if let tree = decoder as? JSONTreeDecoder {
            self = tree.value
            return
        }
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let o = try? container.decode([String: JSON].self) {
            self = .object(o)
        } else if let s = try? container.decode(String.self) {
            self = .string(s)
        } else if let a = try? container.decode([JSON].self) {
            self = .array(a)
        } else if let b = try? container.decode(Bool.self) {
            self = .bool(b)
        } else if let i = try? container.decode(Int64.self) {
            self = .int(i)
        } else {
            self = .double(try container.decode(Double.self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case let .bool(b): try container.encode(b)
        case let .int(i): try container.encode(i)
        case let .double(d): try container.encode(d)
        case let .string(s): try container.encode(s)
        case let .array(a): try container.encode(a)
        case let .object(o): try container.encode(o)
        }
    }
}
