/// The members of one JSON object, read for a type's hand-written fast decode from a tree
/// (`JSONTreeDecoder`): each field is one dictionary lookup and a switch, where Codable goes
/// through a keyed container, a boxed generic call and a type check per field.
///
/// A fast decode must give exactly what the Codable path gives, so every accessor reads only
/// what that path reads the same way, and throws `Unreadable` at anything else (a number where
/// a string belongs, a malformed time, a missing required field). The type then decodes again
/// through Codable, which names the error as Foundation's decoder would.
public struct TreeFields {
    public let members: [String: JSON]

    /// The value is not what the fast path reads: decode through Codable instead.
    public struct Unreadable: Error {
        public init() {}
    }

    /// The members of `decoder`'s value when it reads a tree and the value is an object.
    public init?(_ decoder: any Decoder) {
        guard let tree = decoder as? JSONTreeDecoder, case let .object(members) = tree.value else { return nil }
        self.members = members
    }

    public init(members: [String: JSON]) {
        self.members = members
    }

    /// Absent and null are both nil, as `decodeIfPresent` reads them.
    @inline(__always)
    private func present(_ key: String) -> JSON? {
        guard let value = members[key], !value.isNull else { return nil }
        return value
    }

    public func string(_ key: String) throws(Unreadable) -> String? {
        guard let value = present(key) else { return nil }
        guard case let .string(text) = value else { throw Unreadable() }
        return text
    }

    public func requiredString(_ key: String) throws(Unreadable) -> String {
        guard let text = try string(key) else { throw Unreadable() }
        return text
    }

    public func bool(_ key: String) throws(Unreadable) -> Bool? {
        guard let value = present(key) else { return nil }
        guard case let .bool(flag) = value else { throw Unreadable() }
        return flag
    }

    /// An integer, also from a double that holds one exactly (as `JSONTreeDecoder` reads it).
    public func int64(_ key: String) throws(Unreadable) -> Int64? {
        guard let value = present(key) else { return nil }
        switch value {
        case let .int(i): return i
        case let .double(d): guard let i = Int64(exactly: d) else { throw Unreadable() }; return i
        default: throw Unreadable()
        }
    }

    public func time(_ key: String) throws(Unreadable) -> KubeTime? {
        guard let value = present(key) else { return nil }
        guard case let .string(text) = value, let time = KubeTime(rfc3339: text) else { throw Unreadable() }
        return time
    }

    public func requiredTime(_ key: String) throws(Unreadable) -> KubeTime {
        guard let time = try time(key) else { throw Unreadable() }
        return time
    }

    public func strings(_ key: String) throws(Unreadable) -> [String]? {
        try array(key) { (element: JSON) throws(Unreadable) -> String in
            guard case let .string(text) = element else { throw Unreadable() }
            return text
        }
    }

    public func stringMap(_ key: String) throws(Unreadable) -> [String: String]? {
        guard let value = present(key) else { return nil }
        guard case let .object(entries) = value else { throw Unreadable() }
        var result = [String: String](minimumCapacity: entries.count)
        for (name, entry) in entries {
            guard case let .string(text) = entry else { throw Unreadable() }
            result[name] = text
        }
        return result
    }

    /// A raw-value enum (a `String`-backed `Codable` enum reads its raw value and refuses others).
    public func raw<Value: RawRepresentable>(_ key: String, as type: Value.Type = Value.self) throws(Unreadable) -> Value?
    where Value.RawValue == String {
        guard let text = try string(key) else { return nil }
        guard let value = Value(rawValue: text) else { throw Unreadable() }
        return value
    }

    /// An array of objects, each read by `element` (which throws `Unreadable` for anything it
    /// does not read exactly as Codable would).
    public func objects<Element>(_ key: String, _ element: (TreeFields) throws(Unreadable) -> Element) throws(Unreadable) -> [Element]? {
        try array(key) { (item: JSON) throws(Unreadable) -> Element in
            guard case let .object(members) = item else { throw Unreadable() }
            return try element(TreeFields(members: members))
        }
    }

    private func array<Element>(_ key: String, _ read: (JSON) throws(Unreadable) -> Element) throws(Unreadable) -> [Element]? {
        guard let value = present(key) else { return nil }
        guard case let .array(elements) = value else { throw Unreadable() }
        var result: [Element] = []
        result.reserveCapacity(elements.count)
        for element in elements { result.append(try read(element)) }
        return result
    }
}
