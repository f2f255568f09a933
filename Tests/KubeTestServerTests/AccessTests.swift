import TestSupport
import Foundation
import KubeCore
import KubeTestServer
import Testing

@Suite("Transport, authentication, RBAC, faults, events")
struct AccessTests {
    @Test("401 without credentials (a Status body); bearer token and client certificate both authenticate")
    func authentication() async throws {
        try await withCluster(crd: false) { cluster in
            let anonymous = try await cluster.curl("/api/v1/namespaces", auth: .none)
            #expect(anonymous.status == 401)
            #expect(anonymous.body.json["reason"]?.stringValue == "Unauthorized")
            #expect(try await cluster.curl("/api/v1/namespaces", auth: .token("wrong")).status == 401)
            #expect(try await cluster.curl("/api/v1/namespaces", auth: .adminToken).status == 200)
            #expect(try await cluster.curl("/api/v1/namespaces", auth: .adminCertificate).status == 200)
            // kube-apiserver's union authenticator tries x509 before tokens: the certificate wins.
            #expect(try await cluster.curl("/api/v1/namespaces", auth: .adminCertificate, headers: ["Authorization: Bearer wrong"]).status == 200)
            #expect(try await cluster.curl("/api/v1/namespaces", auth: .none, headers: ["Authorization: Bearer  \(cluster.server.adminToken)"]).status == 401,
                    "two spaces: Go's bearertoken reads an empty token")
            let tokenConfig = cluster.dir.appendingPathComponent("token.kubeconfig").path
            try cluster.server.writeKubeconfig(to: tokenConfig, for: .adminToken)
            let viaToken = try await cluster.kubectl("get", "ns", "default", kubeconfig: tokenConfig)
            #expect(viaToken.status == 0)
            let who = try await cluster.kubectlOK("auth", "whoami", "-o", "json").json
            #expect(who[path: ["status", "userInfo", "username"]]?.stringValue == "kubernetes-admin")
        }
    }

    @Test("HTTP/2 is negotiated by ALPN, HTTP/1.1 still works, and a watch streams over both")
    func protocols() async throws {
        try await withCluster(crd: false) { cluster in
            let h2 = try await cluster.curl("/version", extra: ["--http2"])
            #expect(h2.headers.hasPrefix("HTTP/2 200"))
            let h1 = try await cluster.curl("/version", extra: ["--http1.1"])
            #expect(h1.headers.hasPrefix("HTTP/1.1 200"))
            let watch = try await cluster.curl("/api/v1/namespaces?watch=1&timeoutSeconds=1", extra: ["--http2", "-N"])
            #expect(watch.body.split(separator: "\n").filter { $0.contains("\"ADDED\"") }.count == 4)
        }
    }

    @Test("with RBAC on, a service account is refused with the real 403 message until a Role binds it")
    func rbac() async throws {
        try await withCluster(rbac: true) { cluster in
            let saConfig = cluster.dir.appendingPathComponent("sa.kubeconfig").path
            try cluster.server.writeKubeconfig(to: saConfig, for: .serviceAccount(namespace: "golden", name: "operator"))
            let denied = try await cluster.kubectl("get", "gz", "-n", "golden", kubeconfig: saConfig)
            #expect(denied.status != 0)
            #expect(denied.stderr.contains("Error from server (Forbidden): gizmos.golden.example.com is forbidden: User \"system:serviceaccount:golden:operator\" cannot list resource \"gizmos\" in API group \"golden.example.com\" in the namespace \"golden\""))
            try await cluster.kubectlOK("apply", "-f", "-", stdin: """
                apiVersion: rbac.authorization.k8s.io/v1
                kind: Role
                metadata: {name: gizmo-reader, namespace: golden}
                rules:
                - {apiGroups: [golden.example.com], resources: [gizmos], verbs: [get, list, watch]}
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: RoleBinding
                metadata: {name: operator-reads, namespace: golden}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: gizmo-reader}
                subjects:
                - {kind: ServiceAccount, name: operator, namespace: golden}
                """)
            #expect(try await cluster.kubectl("get", "gz", "-n", "golden", kubeconfig: saConfig).status == 0)
            let write = try await cluster.kubectl("apply", "-f", "-", stdin: gizmo("x"), kubeconfig: saConfig)
            #expect(write.stderr.contains("Forbidden"))
            let patchStatus = try await cluster.kubectl("auth", "can-i", "patch", "gizmos/status", "-n", "golden", kubeconfig: saConfig)
            #expect(patchStatus.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "no")
            // kubectl sends its SelfSubjectAccessReview as protobuf: the granted verb must read yes.
            let list = try await cluster.kubectl("auth", "can-i", "list", "gizmos.golden.example.com", "-n", "golden", kubeconfig: saConfig)
            #expect(list.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "yes", "\(list)")
        }
    }

    @Test("fault hooks: the next N matching requests fail with the given status and Retry-After; latency is added")
    func faults() async throws {
        try await withCluster(crd: false) { cluster in
            cluster.api.faults.failNext(2, verb: "list", resource: "configmaps", status: 429, retryAfterSeconds: 3)
            let first = try await cluster.curl("/api/v1/namespaces/golden/configmaps")
            #expect(first.status == 429)
            #expect(first.headers.lowercased().contains("retry-after: 3"))
            #expect(first.body.json[path: ["details", "retryAfterSeconds"]]?.intValue == 3)
            #expect(try await cluster.curl("/api/v1/namespaces/golden/configmaps").status == 429)
            #expect(try await cluster.curl("/api/v1/namespaces/golden/configmaps").status == 200)
            #expect(try await cluster.curl("/api/v1/namespaces/golden/secrets").status == 200)
            cluster.api.faults.failNext(1, verb: "create", status: 500)
            let failedCreate = try await cluster.kubectl("apply", "-f", "-", stdin: goldenNamespace)
            #expect(failedCreate.stderr.contains("InternalError"))
            cluster.api.faults.latency = .milliseconds(400)
            let started = ContinuousClock.now
            _ = try await cluster.curl("/api/v1/namespaces")
            #expect(ContinuousClock.now - started >= .milliseconds(400))
            cluster.api.faults.latency = nil
            cluster.api.counter.reset()
            _ = try await cluster.kubectl("get", "ns")
            #expect(cluster.api.counter.writes == 0)
            #expect((cluster.api.counter.snapshot["list namespaces"] ?? 0) == 1)
        }
    }

    @Test("an events.k8s.io Event is one storage with core Events: kubectl describe shows it")
    func events() async throws {
        try await withCluster { cluster in
            let uid = try await cluster.kubectlOK("create", "-o", "jsonpath={.metadata.uid}", "-f", "-", stdin: gizmo("alpha"))
            let created = try await cluster.curl("/apis/events.k8s.io/v1/namespaces/golden/events", method: "POST",
                                                 headers: ["Content-Type: application/json"], body: """
                {"apiVersion":"events.k8s.io/v1","kind":"Event","metadata":{"name":"alpha.rollout1"},"eventTime":"2026-01-01T00:00:00.123456Z",
                 "reportingController":"modelops.io/modeldeployment","reportingInstance":"modelops-7d9f","action":"Rollout",
                 "reason":"CanaryPromoted","type":"Normal","note":"canary v3 promoted to 50%",
                 "regarding":{"apiVersion":"golden.example.com/v1","kind":"Gizmo","name":"alpha","namespace":"golden","uid":"\(uid)"}}
                """)
            #expect(created.status == 201)
            #expect(created.body.json["eventTime"]?.stringValue == "2026-01-01T00:00:00.123456Z", "MicroTime keeps microseconds")
            #expect(created.body.json["note"]?.stringValue == "canary v3 promoted to 50%")
            let core = try await cluster.curl("/api/v1/namespaces/golden/events?fieldSelector=involvedObject.name%3Dalpha").body.json
            #expect(core["items"]?[0]?["message"]?.stringValue == "canary v3 promoted to 50%")
            let describe = try await cluster.kubectlOK("describe", "gz", "alpha", "-n", "golden")
            #expect(describe.contains("CanaryPromoted") && describe.contains("canary v3 promoted to 50%"))
            let invalid = try await cluster.curl("/apis/events.k8s.io/v1/namespaces/golden/events", method: "POST",
                                                 headers: ["Content-Type: application/json"],
                                                 body: #"{"apiVersion":"events.k8s.io/v1","kind":"Event","metadata":{"name":"bad"},"type":"Odd","note":"x"}"#)
            #expect(invalid.status == 422)
            #expect(invalid.body.json["message"]?.stringValue?.contains("eventTime: Required value") == true)
        }
    }

    @Test("Leases: create race is 409 AlreadyExists, update race is 409 Conflict, MicroTime kept")
    func leases() async throws {
        try await withCluster { cluster in
            let lease = #"{"apiVersion":"coordination.k8s.io/v1","kind":"Lease","metadata":{"name":"leader"},"spec":{"holderIdentity":"a","leaseDurationSeconds":15,"renewTime":"2026-01-01T00:00:05.654321Z"}}"#
            let path = "/apis/coordination.k8s.io/v1/namespaces/golden/leases"
            let first = try await cluster.curl(path, method: "POST", headers: ["Content-Type: application/json"], body: lease)
            #expect(first.status == 201)
            #expect(first.body.json[path: ["spec", "renewTime"]]?.stringValue == "2026-01-01T00:00:05.654321Z")
            #expect(try await cluster.curl(path, method: "POST", headers: ["Content-Type: application/json"], body: lease).status == 409)
            var a = first.body.json, b = first.body.json
            a[path: ["spec", "holderIdentity"]] = "a2"
            b[path: ["spec", "holderIdentity"]] = "b"
            #expect(try await cluster.curl(path + "/leader", method: "PUT", headers: ["Content-Type: application/json"], body: a.serializedString()).status == 200)
            let lost = try await cluster.curl(path + "/leader", method: "PUT", headers: ["Content-Type: application/json"], body: b.serializedString())
            #expect(lost.status == 409)
            #expect(lost.body.json["reason"]?.stringValue == "Conflict")
        }
    }
}
