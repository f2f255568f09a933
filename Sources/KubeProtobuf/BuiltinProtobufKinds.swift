import KubeCore
import SwiftProtobuf

/// The built-in kinds whose messages are compiled into this module (Kubernetes' own
/// generated.proto, trimmed to what these kinds reach): the objects kubectl's `create namespace`,
/// `create configmap`, `create secret generic`, `create serviceaccount` and `create deployment`
/// send as protobuf (golden exchanges 133-137), and the authorization.k8s.io/v1 access reviews
/// (`SelfSubjectAccessReview`, which `auth can-i` sends as protobuf, `SubjectAccessReview` and
/// `LocalSubjectAccessReview`).
public enum BuiltinProtobufKinds {
    private typealias Decoder = @Sendable ([UInt8]) throws(ProtobufDecodingError) -> JSON?

    private static let decoders: [String: Decoder] = [
        "v1/Namespace": { raw throws(ProtobufDecodingError) in try convert(K8s_Io_Api_Core_V1_Namespace.self, raw) },
        "v1/ConfigMap": { raw throws(ProtobufDecodingError) in try convert(K8s_Io_Api_Core_V1_ConfigMap.self, raw) },
        "v1/Secret": { raw throws(ProtobufDecodingError) in try convert(K8s_Io_Api_Core_V1_Secret.self, raw) },
        "v1/ServiceAccount": { raw throws(ProtobufDecodingError) in try convert(K8s_Io_Api_Core_V1_ServiceAccount.self, raw) },
        "apps/v1/Deployment": { raw throws(ProtobufDecodingError) in try convert(K8s_Io_Api_Apps_V1_Deployment.self, raw) },
        "authorization.k8s.io/v1/SelfSubjectAccessReview": { raw throws(ProtobufDecodingError) in
            try convert(K8s_Io_Api_Authorization_V1_SelfSubjectAccessReview.self, raw)
        },
        "authorization.k8s.io/v1/SubjectAccessReview": { raw throws(ProtobufDecodingError) in
            try convert(K8s_Io_Api_Authorization_V1_SubjectAccessReview.self, raw)
        },
        "authorization.k8s.io/v1/LocalSubjectAccessReview": { raw throws(ProtobufDecodingError) in
            try convert(K8s_Io_Api_Authorization_V1_LocalSubjectAccessReview.self, raw)
        },
    ]

    /// `apiVersion/kind` of every kind this module can read.
    public static var kinds: [String] { decoders.keys.sorted() }

    public static func supports(apiVersion: String, kind: String) -> Bool {
        decoders["\(apiVersion)/\(kind)"] != nil
    }

    /// The object's JSON as the server would hold it after decoding: its fields, plus the
    /// apiVersion and kind the envelope named. `nil` when the kind is not compiled in.
    public static func object(apiVersion: String, kind: String, raw: [UInt8]) throws(ProtobufDecodingError) -> JSON? {
        guard let decode = decoders["\(apiVersion)/\(kind)"], var object = try decode(raw) else { return nil }
        object["apiVersion"] = .string(apiVersion)
        object["kind"] = .string(kind)
        return object
    }

    private static func convert<M: Message>(_ type: M.Type, _ raw: [UInt8]) throws(ProtobufDecodingError) -> JSON? {
        let message: M
        do {
            message = try M(serializedBytes: raw)
        } catch {
            throw ProtobufDecodingError.from(error)
        }
        return try KubernetesJSONVisitor.json(of: message)
    }
}
