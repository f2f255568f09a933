import Foundation
import KubeClient
import KubeCore
import ModelOpsAPI

/// MLflow credentials from a Secret in the object's namespace, read when a call is due (the
/// operator may `get` Secrets, never list or watch them): `token`, else `username` and `password`.
/// Only a Secret its owner labelled `modelops.io/mlflow-credentials=true`, and never a service
/// account token.
enum MLflowCredentials {
    struct Problem: Error { var message: String }

    static let secrets = ResourceInfo(group: "", version: "v1", kind: "Secret", plural: "secrets", namespaced: true)

    /// nil when `reference` is nil; `field` names the spec field in errors.
    static func read(_ reference: LocalObjectReference?, namespace: String, field: String,
                     client: KubeClient) async throws(Problem) -> MLflowClient.Credentials? {
        guard let reference else { return nil }
        let secret: JSON
        do {
            secret = try await client.dynamic(secrets, namespace: namespace).get(reference.name)
        } catch {
            throw Problem(message: "\(field): reading Secret \(namespace)/\(reference.name): \(error)")
        }
        let label = WireContract.Labels.mlflowCredentials
        guard secret[path: ["metadata", "labels", label]]?.stringValue == "true" else {
            throw Problem(message: "\(field): Secret \(namespace)/\(reference.name) is not labelled \(label)=true; "
                          + "its owner labels it to let ModelOps send it to MLflow")
        }
        guard secret["type"]?.stringValue != "kubernetes.io/service-account-token" else {
            throw Problem(message: "\(field): Secret \(namespace)/\(reference.name) holds a service account token, which ModelOps never sends to MLflow")
        }
        func value(_ key: String) -> String? {
            guard let encoded = secret[path: ["data", key]]?.stringValue, let data = Data(base64Encoded: encoded) else { return nil }
            return String(decoding: data, as: UTF8.self)
        }
        if let token = value("token") { return .token(token) }
        if let username = value("username"), let password = value("password") { return .basic(username: username, password: password) }
        throw Problem(message: "\(field): Secret \(namespace)/\(reference.name) has neither token nor username and password")
    }
}
