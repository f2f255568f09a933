import KubeClient
import KubeCore

/// Who the operator is to the API server, learnt at start-up with two requests: `/version`
/// (is anything there?) and a SelfSubjectReview (are our credentials good, and whom do they
/// name?). Either failing ends the process with one line saying which, so that an unreachable
/// cluster or a bad token is not a pod that runs and silently does nothing.
struct ClusterIdentity: Sendable {
    var version: String
    var user: String

    static let reviews = ResourceInfo(group: "authentication.k8s.io", version: "v1", kind: "SelfSubjectReview",
                                      plural: "selfsubjectreviews", namespaced: false)

    static func check(_ client: KubeClient) async throws(OperatorCommand.StartupError) -> ClusterIdentity {
        let server = client.configuration.server
        let version: String
        do {
            version = try await client.serverVersion()["gitVersion"]?.stringValue ?? "unknown"
        } catch {
            throw OperatorCommand.StartupError(description: describe(error, server: server, asking: "/version"))
        }
        do {
            let review: JSON = ["apiVersion": "authentication.k8s.io/v1", "kind": "SelfSubjectReview"]
            let answer = try await client.dynamic(reviews).create(review)
            let user = answer[path: ["status", "userInfo", "username"]]?.stringValue ?? "unknown"
            return ClusterIdentity(version: version, user: user)
        } catch let error where error.code == 404 {
            // A server older than 1.28 has no SelfSubjectReview; the identity stays unknown.
            return ClusterIdentity(version: version, user: "unknown (no SelfSubjectReview API)")
        } catch {
            throw OperatorCommand.StartupError(description: describe(error, server: server, asking: "who we are"))
        }
    }

    static func describe(_ error: KubeError, server: String, asking: String) -> String {
        switch error {
        case let .transport(.connectFailed(why)):
            return "cannot reach the API server at \(server): \(ClusterIdentity.plain(why))"
        case let .transport(failure):
            return "cannot reach the API server at \(server): \(failure)"
        case let .api(status) where status.code == 401:
            return "the API server at \(server) rejected the credentials (401 Unauthorized): \(status.message ?? "")"
        case let .api(status):
            return "the API server at \(server) refused \(asking): \(status)"
        case let .configuration(config):
            return "cannot use the configuration for \(server): \(config)"
        case let .decoding(why):
            return "unexpected answer from the API server at \(server): \(why)"
        }
    }

    /// libcurl's "Failed to connect to 127.0.0.1 port 1 after 0 ms: Could not connect to
    /// server" says less than the errno it hides; "connection refused" is what people search for.
    static func plain(_ why: String) -> String {
        let lower = why.lowercased()
        if lower.contains("couldn't connect") || lower.contains("could not connect") || lower.contains("connection refused") {
            return "connection refused (\(why))"
        }
        return why
    }
}
