import SwiftProtobuf

/// Why a protobuf body could not be read, worded as kube-apiserver's protobuf serializer
/// (k8s.io/apimachinery/pkg/runtime/serializer/protobuf) words it, so the test server can wrap
/// it in the same Status message.
public enum ProtobufDecodingError: Error, Equatable, Sendable {
    /// No bytes at all.
    case emptyData
    /// The body does not start with `k8s\0`.
    case missingPrefix
    /// Only the four magic bytes.
    case emptyBody
    /// The envelope or the object's message is not valid protobuf (or names an impossible value).
    case malformed(String)

    /// The error text of the Go serializer.
    public var message: String {
        switch self {
        case .emptyData: return "empty data"
        case .missingPrefix:
            return "provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]"
        case .emptyBody: return "empty body"
        case let .malformed(text): return text
        }
    }

    /// Maps a SwiftProtobuf failure to the nearest text gogo-generated Unmarshal code returns.
    /// Only the truncation case has an exact counterpart (`io.ErrUnexpectedEOF`); the others say
    /// what is wrong in gogo's style, not its exact words (no recorded exchange shows them).
    static func from(_ error: any Error) -> ProtobufDecodingError {
        if let known = error as? ProtobufDecodingError { return known }
        guard let binary = error as? BinaryDecodingError else { return .malformed(String(describing: error)) }
        switch binary {
        case .truncated: return .malformed("unexpected EOF")
        case .invalidUTF8: return .malformed("proto: invalid UTF-8 in a string field")
        case .messageDepthLimit: return .malformed("proto: message nested too deeply")
        default: return .malformed("proto: illegal wireType or tag")
        }
    }
}
