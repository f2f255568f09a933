import Foundation

/// Moving between the untyped `JSON` value (what the API server and YAML give us) and typed
/// Codable values. It goes through Foundation's JSON coders on the serialized bytes, which is
/// simple and exact; typed objects are small enough that the extra pass does not matter.
extension JSON {
    /// Decodes a typed value from this JSON.
    public func decode<T: Decodable>(as type: T.Type = T.self) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(serialized()))
    }

    /// The JSON form of a typed value. Optional properties that are nil are omitted (synthesized
    /// Codable uses `encodeIfPresent`), as the API's `omitempty` does.
    public init(encoding value: some Encodable) throws {
        let data = try JSONEncoder().encode(value)
        do {
            self = try JSON.parse(Array(data))
        } catch {
            throw EncodingError.invalidValue(
                value, .init(codingPath: [], debugDescription: "encoder produced unparseable JSON: \(error)"))
        }
    }
}
