import Foundation
import SwiftProtobuf

/// A body in Kubernetes' protobuf encoding (`application/vnd.kubernetes.protobuf`): the four bytes
/// `k8s\0`, then a `runtime.Unknown` message whose typeMeta names the object's apiVersion and kind
/// and whose raw field holds the object's own message (golden exchanges 133-138 show its bytes).
public struct ProtobufEnvelope: Sendable, Equatable {
    public static let magic: [UInt8] = [0x6b, 0x38, 0x73, 0x00]

    /// From the envelope's typeMeta; empty when the client left it out.
    public var apiVersion: String
    public var kind: String
    /// The object's message, still encoded.
    public var raw: [UInt8]

    public init(apiVersion: String, kind: String, raw: [UInt8]) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.raw = raw
    }

    /// Reads the envelope with the checks of the Go serializer's Decode, in its order: empty
    /// input, the magic prefix, a body that is only the prefix, then the Unknown message.
    public init(decoding body: [UInt8]) throws(ProtobufDecodingError) {
        let prefix = Self.magic.count
        if body.isEmpty { throw .emptyData }
        if body.count < prefix || Array(body.prefix(prefix)) != Self.magic { throw .missingPrefix }
        if body.count == prefix { throw .emptyBody }
        let unknown: K8s_Io_Apimachinery_Pkg_Runtime_Unknown
        do {
            unknown = try K8s_Io_Apimachinery_Pkg_Runtime_Unknown(serializedBytes: Array(body[prefix...]))
        } catch {
            throw ProtobufDecodingError.from(error)
        }
        self.init(apiVersion: unknown.typeMeta.apiVersion, kind: unknown.typeMeta.kind, raw: Array(unknown.raw))
    }
}
