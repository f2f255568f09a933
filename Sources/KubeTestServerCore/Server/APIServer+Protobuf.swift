import KubeCore
import KubeProtobuf

extension APIServer {
    static let protobufMediaType = "application/vnd.kubernetes.protobuf"

    /// A POST or PUT body in Kubernetes' protobuf encoding, read into the JSON a JSON client would
    /// have sent, so the rest of the write path cannot tell them apart. kubectl's create
    /// generators and client-go's typed clients send protobuf for built-in kinds (golden 133-137;
    /// 138: the same bytes, answered in JSON).
    ///
    /// Failures are answered as kube-apiserver's create/update handlers answer a body its protobuf
    /// serializer rejects (transformDecodeError over k8s.io/apimachinery's protobuf Decode): before
    /// the envelope names a kind, "the object provided is unrecognized (must be of type K): <error>
    /// (<first 30 bytes in hex>)"; after, "<K> in version "<v>" cannot be handled as a <K>: <error>".
    /// No recorded exchange shows these errors.
    func decodeProtobufBody(_ request: APIRequest, resource: ResourceType) throws -> JSON {
        let envelope: ProtobufEnvelope
        do {
            envelope = try ProtobufEnvelope(decoding: request.body)
        } catch {
            throw APIError.badRequest("the object provided is unrecognized (must be of type \(resource.kind)): \(error.message) (\(Self.summarize(request.body)))")
        }
        // The serializer fills what the envelope leaves out from the endpoint's kind.
        let kind = envelope.kind.isEmpty ? resource.kind : envelope.kind
        let apiVersion = envelope.apiVersion.isEmpty ? resource.apiVersion : envelope.apiVersion
        let version = apiVersion.split(separator: "/").last.map(String.init) ?? apiVersion
        guard resource.isBuiltin else {
            // A CRD serves protobuf among its media types (apiextensions-apiserver's
            // unstructuredNegotiatedSerializer), but decoding into an unstructured object fails:
            // the versioning codec hands the serializer a fresh Unstructured with no kind, and the
            // CRD's typer refuses it.
            throw APIError.badRequest("\(kind) in version \"\(version)\" cannot be handled as a \(resource.kind): Object 'Kind' is missing in 'object has no kind field '")
        }
        do {
            guard let object = try BuiltinProtobufKinds.object(apiVersion: apiVersion, kind: kind, raw: envelope.raw) else {
                // kube-apiserver would decode this kind; the test server has no messages for it, and
                // says so as a server that does not take protobuf would.
                throw APIError.unsupportedMediaType(["application/json", "application/yaml"])
            }
            return object
        } catch let error as ProtobufDecodingError {
            throw APIError.badRequest("\(kind) in version \"\(version)\" cannot be handled as a \(resource.kind): \(error.message)")
        }
    }

    /// apiserver's summarizeData(body, 30): JSON-looking bodies as text, others in hex, cut at 30
    /// bytes with " ...".
    static func summarize(_ body: [UInt8]) -> String {
        if body.isEmpty { return "<empty>" }
        let head = body.prefix(30)
        let more = body.count > 30 ? " ..." : ""
        if body.first == UInt8(ascii: "{") { return String(decoding: head, as: UTF8.self) + more }
        return head.map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined() + more
    }
}
