import Foundation
import KubeCore
import KubeTestServer
import Testing
import TestSupport

/// TokenReview and SubjectAccessReview, what delegated authentication and authorization (the
/// operator's secure metrics endpoint) call, and `nonResourceURLs` in RBAC. Golden 014 pins that
/// both kinds exist (cluster scope, verb create); no recorded exchange pins their answers, which
/// follow kube-apiserver's tokenreview and subjectaccessreview registries and RBAC authorizer.
@Suite("TokenReview, SubjectAccessReview and nonResourceURLs")
struct ReviewTests {
    static let auth = """
        apiVersion: v1
        kind: ServiceAccount
        metadata: {name: prometheus, namespace: golden}
        ---
        apiVersion: v1
        kind: ServiceAccount
        metadata: {name: reviewer, namespace: golden}
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {name: metrics-reader}
        rules:
        - {nonResourceURLs: ["/metrics"], verbs: [get]}
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRoleBinding
        metadata: {name: prometheus-metrics}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: metrics-reader}
        subjects:
        - {kind: ServiceAccount, name: prometheus, namespace: golden}
        """

    static let delegator = AuthDelegatorRBAC.yaml(binding: "reviewer-delegates", serviceAccount: "reviewer", namespace: "golden")

    @Test("discovery lists tokenreviews and subjectaccessreviews with golden 014's scope, kind and verbs")
    func discovery() async throws {
        try await withCluster(crd: false) { cluster in
            // 014-apis-aggregated-with-crd.json, recorded from a real Kubernetes v1.36 API server.
            // The test server serves the legacy per-group documents (kubectl's fallback), so the
            // aggregated entry's facts are compared field by field.
            let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent("KubeTestServerCoreTests/Fixtures/kube-golden/014-apis-aggregated-with-crd.json")
            let golden = try JSON.parse(Array(try Data(contentsOf: file)))
            for (group, resource) in [("authentication.k8s.io", "tokenreviews"), ("authorization.k8s.io", "subjectaccessreviews")] {
                let recorded = try #require(golden[path: ["response", "body", "items"]]?.arrayValue?
                    .first { $0[path: ["metadata", "name"]]?.stringValue == group }?["versions"]?[0]?["resources"]?
                    .arrayValue?.first { $0["resource"]?.stringValue == resource })
                let document = try await cluster.curl("/apis/\(group)/v1")
                let resources = (try JSON.parse(document.body))["resources"]?.arrayValue ?? []
                let names = resources.map { $0["name"]?.stringValue ?? "" }
                let served = names.firstIndex(of: resource).map { resources[$0] }
                #expect(served != nil, "\(names)")
                #expect(served?["kind"] == recorded[path: ["responseKind", "kind"]], "\(resource)")
                #expect(served?["namespaced"] == .bool(recorded["scope"] == "Namespaced"), "\(resource)")
                #expect(served?["verbs"] == recorded["verbs"], "\(resource)")
                #expect(served?["singularName"] == recorded["singularResource"], "\(resource)")
            }
        }
    }

    @Test("kubectl create TokenReview: a valid token names its ServiceAccount, an unknown one is not authenticated, none is 400; creating one needs RBAC")
    func tokenReview() async throws {
        try await withCluster(rbac: true) { cluster in
            try await cluster.kubectlOK("apply", "-f", "-", stdin: Self.auth)
            let request = #"{"apiVersion":"authentication.k8s.io/v1","kind":"TokenRequest","spec":{}}"#
            let issued = try await cluster.kubectlOK("create", "--raw", "/api/v1/namespaces/golden/serviceaccounts/prometheus/token",
                                                     "-f", "-", stdin: request).json
            let token = try #require(issued[path: ["status", "token"]]?.stringValue)
            func review(_ token: String, kubeconfig: String? = nil) async throws -> CommandResult {
                try await cluster.kubectl("create", "-o", "json", "-f", "-", stdin: """
                    {"apiVersion":"authentication.k8s.io/v1","kind":"TokenReview","spec":{"token":"\(token)"}}
                    """, kubeconfig: kubeconfig)
            }
            let valid = try await review(token)
            #expect(valid.status == 0, "\(valid)")
            let status = valid.stdout.json["status"] ?? .null
            #expect(status["authenticated"] == true)
            #expect(status[path: ["user", "username"]] == "system:serviceaccount:golden:prometheus")
            #expect(status[path: ["user", "groups"]] == ["system:serviceaccounts", "system:serviceaccounts:golden", "system:authenticated"])
            let account = await cluster.direct("GET", "/api/v1/namespaces/golden/serviceaccounts/prometheus")
            #expect(status[path: ["user", "uid"]] == account[path: ["metadata", "uid"]], "the ServiceAccount's uid")

            let credential = status[path: ["user", "extra", "authentication.kubernetes.io/credential-id"]]?[0]?.stringValue ?? ""
            #expect(credential.hasPrefix("JTI="), "the token's jti, as the real authenticator reports it: \(status)")
            #expect(status["audiences"] == ["https://kubernetes.default.svc.cluster.local"])

            // A token issued for another audience: not for the API server, only for reviews that ask for that audience.
            let vaultRequest = #"{"apiVersion":"authentication.k8s.io/v1","kind":"TokenRequest","spec":{"audiences":["vault"]}}"#
            let vault = try #require(try await cluster.kubectlOK("create", "--raw", "/api/v1/namespaces/golden/serviceaccounts/prometheus/token",
                                                                 "-f", "-", stdin: vaultRequest).json[path: ["status", "token"]]?.stringValue)
            let notForAPI = try await review(vault).stdout.json
            #expect(notForAPI[path: ["status", "authenticated"]] == nil, "not for the API server's audience")
            #expect(notForAPI[path: ["status", "error"]]
                    == #"token audiences ["vault"] is invalid for the target audiences ["https://kubernetes.default.svc.cluster.local"]"#,
                    "the JWT authenticator's error: \(notForAPI)")
            let forVault = try await cluster.kubectl("create", "-o", "json", "-f", "-", stdin: """
                {"apiVersion":"authentication.k8s.io/v1","kind":"TokenReview","spec":{"token":"\(vault)","audiences":["vault","nats"]}}
                """)
            #expect(forVault.stdout.json[path: ["status", "authenticated"]] == true, "\(forVault)")
            #expect(forVault.stdout.json[path: ["status", "audiences"]] == ["vault"], "the overlap")
            #expect(try await cluster.curl("/api/v1/namespaces", auth: .token(vault)).status == 401, "a vault token is no API credential")

            let unknown = try await review("not-a-token")
            #expect(unknown.status == 0)
            #expect(unknown.stdout.json[path: ["status", "authenticated"]] == nil, "left out, as false is: \(unknown.stdout)")
            #expect(unknown.stdout.json[path: ["status", "user", "username"]] == nil)
            #expect(unknown.stdout.json[path: ["status", "error"]] == "invalid bearer token", "the bearer-token authenticator's default error")

            let empty = try await review("")
            #expect(empty.status != 0)
            #expect(empty.stderr.contains("token is required for TokenReview in authentication"), "\(empty.stderr)")

            // Only those granted create on tokenreviews may review tokens (system:auth-delegator).
            let reviewerConfig = cluster.dir.appendingPathComponent("reviewer.kubeconfig").path
            try cluster.server.writeKubeconfig(to: reviewerConfig, for: .serviceAccount(namespace: "golden", name: "reviewer"))
            let refused = try await review(token, kubeconfig: reviewerConfig)
            #expect(refused.stderr.contains("tokenreviews.authentication.k8s.io is forbidden: User \"system:serviceaccount:golden:reviewer\" cannot create resource \"tokenreviews\" in API group \"authentication.k8s.io\" at the cluster scope"),
                    "\(refused.stderr)")
            try await cluster.kubectlOK("apply", "-f", "-", stdin: Self.delegator)
            #expect(try await review(token, kubeconfig: reviewerConfig).stdout.json[path: ["status", "authenticated"]] == true)
        }
    }

    @Test("SubjectAccessReview of a non-resource URL: allowed through a ClusterRoleBinding's nonResourceURLs only; bad specs are 422 naming the field")
    func subjectAccessReview() async throws {
        try await withCluster(rbac: true) { cluster in
            try await cluster.kubectlOK("apply", "-f", "-", stdin: Self.auth)
            func allowed(user: String, groups: [String] = [], path: String, verb: String = "get") async throws -> Bool? {
                let review: JSON = ["apiVersion": "authorization.k8s.io/v1", "kind": "SubjectAccessReview",
                                    "spec": ["user": .string(user), "groups": .array(groups.map(JSON.string)),
                                             "nonResourceAttributes": ["path": .string(path), "verb": .string(verb)]]]
                return try await cluster.kubectlOK("create", "-o", "json", "-f", "-", stdin: review.serializedString())
                    .json[path: ["status", "allowed"]]?.boolValue
            }
            let prometheus = "system:serviceaccount:golden:prometheus"
            #expect(try await allowed(user: prometheus, path: "/metrics") == true)
            #expect(try await allowed(user: prometheus, path: "/metrics", verb: "post") == false, "only the verbs the rule lists")
            #expect(try await allowed(user: prometheus, path: "/debug/pprof/") == false, "only the paths the rule lists")
            #expect(try await allowed(user: prometheus, path: "/healthz") == false,
                    "the bootstrap rules bind groups: a review that names none gets none of them")
            #expect(try await allowed(user: prometheus, groups: ["system:authenticated"], path: "/healthz") == true)
            #expect(try await allowed(user: "system:serviceaccount:golden:reviewer", path: "/metrics") == false)
            #expect(try await allowed(user: "someone", groups: ["system:masters"], path: "/metrics") == true, "system:masters may do anything")

            // A RoleBinding cannot grant non-resource URLs, even to a ClusterRole that lists them.
            try await cluster.kubectlOK("apply", "-f", "-", stdin: """
                apiVersion: rbac.authorization.k8s.io/v1
                kind: RoleBinding
                metadata: {name: reviewer-metrics, namespace: golden}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: metrics-reader}
                subjects:
                - {kind: ServiceAccount, name: reviewer, namespace: golden}
                """)
            #expect(try await allowed(user: "system:serviceaccount:golden:reviewer", path: "/metrics") == false)
            // A trailing * matches by prefix.
            try await cluster.kubectlOK("apply", "-f", "-", stdin: """
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRole
                metadata: {name: debug-reader}
                rules:
                - {nonResourceURLs: ["/debug/*"], verbs: [get]}
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRoleBinding
                metadata: {name: reviewer-debug}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: debug-reader}
                subjects:
                - {kind: User, name: system:serviceaccount:golden:reviewer}
                """)
            #expect(try await allowed(user: "system:serviceaccount:golden:reviewer", path: "/debug/pprof/heap") == true)
            #expect(try await allowed(user: "system:serviceaccount:golden:reviewer", path: "/metrics") == false)

            let invalid = try await cluster.kubectl("create", "-f", "-", stdin: #"{"apiVersion":"authorization.k8s.io/v1","kind":"SubjectAccessReview","spec":{}}"#)
            #expect(invalid.status != 0)
            #expect(invalid.stderr.contains("spec.resourceAttributes: Invalid value: null: exactly one of nonResourceAttributes or resourceAttributes must be specified"), "\(invalid.stderr)")
            #expect(invalid.stderr.contains("spec.user: Invalid value: \"\": at least one of user or group must be specified"), "\(invalid.stderr)")

            // kubectl auth can-i asks the same question of itself (a SelfSubjectAccessReview).
            let prometheusConfig = cluster.dir.appendingPathComponent("prometheus.kubeconfig").path
            try cluster.server.writeKubeconfig(to: prometheusConfig, for: .serviceAccount(namespace: "golden", name: "prometheus"))
            let yes = try await cluster.kubectl("auth", "can-i", "get", "/metrics", kubeconfig: prometheusConfig)
            #expect(yes.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "yes", "\(yes)")
            let no = try await cluster.kubectl("auth", "can-i", "get", "/debug/pprof/", kubeconfig: prometheusConfig)
            #expect(no.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "no", "\(no)")
            // The bootstrap policy's system:public-info-viewer and system:discovery, as in every cluster.
            for path in ["/healthz", "/version", "/apis/apps/v1"] {
                let open = try await cluster.kubectl("auth", "can-i", "get", path, kubeconfig: prometheusConfig)
                #expect(open.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "yes", "\(path): \(open)")
            }
        }
    }
}
