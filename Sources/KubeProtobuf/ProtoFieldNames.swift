import SwiftProtobuf

/// A field's name in the .proto file (Kubernetes names its proto fields after their JSON keys).
///
/// SwiftProtobuf keeps the number → name table (`_protobuf_nameMap`) internal; its FieldMask
/// utilities are the public route to it (`FieldMask(fieldNumbers:of:)` resolves numbers to proto
/// names), so that is what this asks.
enum ProtoFieldNames {
    static func name<M: Message & _ProtoNameProviding>(of number: Int, in type: M.Type) -> String? {
        (try? Google_Protobuf_FieldMask(fieldNumbers: [number], of: type))?.paths.first
    }
}
