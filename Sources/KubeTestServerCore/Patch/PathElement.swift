import KubeCore

/// One step of a field path, as structured-merge-diff names it: a struct/map member (`f:name`),
/// a list-map item by its key fields (`k:{"name":"x"}`), a set item by value (`v:"x"`), or an
/// atomic-list index (`i:0`, never produced here: atomic lists are leaves).
public enum PathElement: Hashable, Sendable, Comparable {
    case field(String)
    /// The key fields of a list-map item, as an object.
    case key(JSON)
    case value(JSON)
    case index(Int)

    /// The fieldsV1 spelling.
    public var encoded: String {
        switch self {
        case let .field(name): return "f:" + name
        case let .key(fields): return "k:" + Self.canonical(fields).serializedString()
        case let .value(v): return "v:" + Self.canonical(v).serializedString()
        case let .index(i): return "i:\(i)"
        }
    }

    /// The spelling in conflict messages (`fieldpath.Path.String()`): `.spec`, `[name="x"]`, `[="x"]`, `[0]`.
    public var display: String {
        switch self {
        case let .field(name): return "." + name
        case let .key(fields):
            let parts = (fields.objectValue ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\(Self.goString($0.value))" }
            return "[" + parts.joined(separator: ",") + "]"
        case let .value(v): return "[=\(Self.goString(v))]"
        case let .index(i): return "[\(i)]"
        }
    }

    /// Parses a fieldsV1 member name; nil for `.` and for anything malformed.
    public init?(encoded: String) {
        guard encoded.count >= 2 else { return nil }
        let body = String(encoded.dropFirst(2))
        switch encoded.prefix(2) {
        case "f:": self = .field(body)
        case "k:":
            guard let fields = try? JSON.parse(body), fields.objectValue != nil else { return nil }
            self = .key(Self.canonical(fields))
        case "v:":
            guard let v = try? JSON.parse(body) else { return nil }
            self = .value(Self.canonical(v))
        case "i:":
            guard let i = Int(body) else { return nil }
            self = .index(i)
        default: return nil
        }
    }

    public static func < (lhs: PathElement, rhs: PathElement) -> Bool {
        func rank(_ e: PathElement) -> Int {
            switch e {
            case .field: return 0
            case .key: return 1
            case .value: return 2
            case .index: return 3
            }
        }
        if rank(lhs) != rank(rhs) { return rank(lhs) < rank(rhs) }
        if case let .index(a) = lhs, case let .index(b) = rhs { return a < b }
        return lhs.encoded < rhs.encoded
    }

    /// Integral doubles become integers so `8080.0` and `8080` name the same item.
    static func canonical(_ value: JSON) -> JSON {
        switch value {
        case let .double(d): if let i = value.intValue, Double(i) == d { return .int(i) } else { return value }
        case let .object(o): return .object(o.mapValues(canonical))
        case let .array(a): return .array(a.map(canonical))
        default: return value
        }
    }

    /// `value.ToString`: strings quoted, the rest as JSON.
    private static func goString(_ value: JSON) -> String {
        canonical(value).serializedString()
    }
}

/// A field path from the object root.
public typealias FieldPath = [PathElement]

extension Array where Element == PathElement {
    /// `.spec.containers[name="model"].image`
    public var display: String { map(\.display).joined() }
}
