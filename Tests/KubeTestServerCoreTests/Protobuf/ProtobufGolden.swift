import Foundation
import KubeCore

/// One recorded protobuf exchange (golden 133-139), copied into Fixtures/kube-golden.
struct ProtobufGolden {
    let file: String
    let exchange: JSON

    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/kube-golden")

    init(_ file: String) throws {
        self.file = file
        exchange = try JSON.parse(Array(Data(contentsOf: Self.directory.appendingPathComponent(file))))
    }

    var request: JSON { exchange["request"] ?? .null }
    var response: JSON { exchange["response"] ?? .null }

    /// The exact request bytes kubectl sent.
    var requestBytes: [UInt8] {
        Array(Data(base64Encoded: request[path: ["body", "base64"]]?.stringValue ?? "") ?? Data())
    }

    var path: String { request["path"]?.stringValue ?? "" }
    var query: [String: String] {
        (request["params"]?.objectValue ?? [:]).compactMapValues(\.stringValue)
    }

    /// Request headers, lowercased as APIRequest wants them.
    var headers: [String: String] {
        Dictionary(uniqueKeysWithValues: (request["headers"]?.objectValue ?? [:]).compactMap { key, value in
            value.stringValue.map { (key.lowercased(), $0) }
        })
    }

    /// The five kubectl creates, in recording order.
    static let kubectlCreates = [
        "133-kubectl-protobuf-create-namespace.json",
        "134-kubectl-protobuf-create-configmap.json",
        "135-kubectl-protobuf-create-secret.json",
        "136-kubectl-protobuf-create-serviceaccount.json",
        "137-kubectl-protobuf-create-deployment.json",
    ]
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
