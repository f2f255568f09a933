import KubeCore

extension GoldenExchange {
    /// kubectl v1.32's protobuf creates: namespace, configmap, secret, serviceaccount, deployment.
    static let kubectlProtobufCreates = [133, 134, 135, 136, 137]

    /// The exact bytes of a protobuf request body.
    var requestBytes: [UInt8] {
        if case let .bytes(bytes) = body { return bytes }
        return []
    }
}

extension JSON {
    /// Without `creationTimestamp: null` anywhere: kubectl v1.32 writes a zero metav1.Time as
    /// null, a v1.36 server leaves it out (golden 137's stored pod template has none).
    func droppingNullCreationTimestamps() -> JSON {
        switch self {
        case let .object(fields):
            var out: [String: JSON] = [:]
            for (key, value) in fields where !(key == "creationTimestamp" && value.isNull) {
                out[key] = value.droppingNullCreationTimestamps()
            }
            return .object(out)
        case let .array(items):
            return .array(items.map { $0.droppingNullCreationTimestamps() })
        default:
            return self
        }
    }
}
