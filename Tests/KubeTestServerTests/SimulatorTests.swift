import Foundation
import KubeCore
import Testing
import TestSupport

/// The simulator as kubectl users see it: rollouts finish, Jobs run pods that end as asked.
@Suite("Workload simulator through kubectl")
struct SimulatorKubectlTests {
    @Test("kubectl rollout status completes for a Deployment, and get deploy shows it ready")
    func rollout() async throws {
        try await withCluster(crd: false) { cluster in
            try await cluster.kubectlOK("apply", "-f", "-", stdin: goldenNamespace)
            try await cluster.kubectlOK("apply", "-n", "golden", "-f", "-", stdin: deployment("serve", image: "model:1", replicas: 2))
            let status = try await cluster.kubectlOK("rollout", "status", "deploy/serve", "-n", "golden", "--timeout=20s")
            #expect(status.contains("successfully rolled out"))
            let row = try await cluster.kubectlOK("get", "deploy", "serve", "-n", "golden", "--no-headers")
            #expect(row.contains("2/2"))
        }
    }

    @Test("a Job's pod ends with the exit code and termination message its annotations ask for; kubectl wait sees Complete")
    func job() async throws {
        try await withCluster(crd: false) { cluster in
            try await cluster.kubectlOK("apply", "-f", "-", stdin: goldenNamespace)
            try await cluster.kubectlOK("apply", "-n", "golden", "-f", "-", stdin: """
                apiVersion: batch/v1
                kind: Job
                metadata: {name: train}
                spec:
                  backoffLimit: 2
                  template:
                    metadata:
                      annotations:
                        sim.modelops.io/run-seconds: "0.1"
                        sim.modelops.io/termination-message: '{"metrics":{"accuracy":0.93},"modelURI":"s3://m/v1"}'
                    spec:
                      restartPolicy: Never
                      containers: [{name: trainer, image: "registry.example/train:1"}]
                """)
            let waited = try await cluster.kubectlOK("wait", "--for=condition=complete", "job/train", "-n", "golden", "--timeout=20s")
            #expect(waited.contains("condition met"))
            let message = try await cluster.kubectlOK("get", "pods", "-n", "golden", "-l", "batch.kubernetes.io/job-name=train",
                                                      "-o", "jsonpath={.items[0].status.containerStatuses[0].state.terminated.message}")
            #expect(message.json[path: ["metrics", "accuracy"]]?.doubleValue == 0.93)
            let imageID = try await cluster.kubectlOK("get", "pods", "-n", "golden", "-o", "jsonpath={.items[0].status.containerStatuses[0].imageID}")
            #expect(imageID.contains("@sha256:"))
        }
    }

    @Test("a Job whose pods fail exhausts backoffLimit and ends Failed with BackoffLimitExceeded")
    func failingJob() async throws {
        try await withCluster(crd: false) { cluster in
            try await cluster.kubectlOK("apply", "-f", "-", stdin: goldenNamespace)
            try await cluster.kubectlOK("apply", "-n", "golden", "-f", "-", stdin: """
                apiVersion: batch/v1
                kind: Job
                metadata: {name: broken}
                spec:
                  backoffLimit: 1
                  template:
                    metadata: {annotations: {sim.modelops.io/exit-code: "3", sim.modelops.io/run-seconds: "0.05"}}
                    spec:
                      restartPolicy: Never
                      containers: [{name: trainer, image: "registry.example/train:1"}]
                """)
            try await cluster.kubectlOK("wait", "--for=condition=failed", "job/broken", "-n", "golden", "--timeout=20s")
            let reason = try await cluster.kubectlOK("get", "job", "broken", "-n", "golden",
                                                     "-o", #"jsonpath={.status.conditions[?(@.type=="Failed")].reason} {.status.failed}"#)
            #expect(reason == "BackoffLimitExceeded 2")
        }
    }

    @Test("the Gateway API HTTPRoute CRD is installed, weights default to 1, and routes get Accepted parents")
    func httpRoute() async throws {
        try await withCluster(crd: false) { cluster in
            try await cluster.kubectlOK("apply", "-f", "-", stdin: goldenNamespace)
            let route = try await cluster.kubectlOK("apply", "-o", "json", "-f", "-", stdin: """
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: model, namespace: golden}
                spec:
                  parentRefs: [{name: gw}]
                  rules:
                  - backendRefs: [{name: model-stable, port: 80}, {name: model-canary, port: 80, weight: 0}]
                """).json
            #expect(route[path: ["spec", "rules"]]?[0]?["backendRefs"]?[0]?["weight"]?.intValue == 1)
            #expect(route[path: ["spec", "rules"]]?[0]?["matches"]?[0]?[path: ["path", "type"]]?.stringValue == "PathPrefix")
            try await eventually("route accepted") {
                let accepted = try await cluster.kubectlOK("get", "httproute", "model", "-n", "golden",
                                                           "-o", #"jsonpath={.status.parents[0].conditions[?(@.type=="Accepted")].status}"#)
                return accepted == "True"
            }
            let bad = try await cluster.kubectl("apply", "-f", "-", stdin: """
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: bad, namespace: golden}
                spec:
                  rules:
                  - backendRefs: [{name: x, port: 80, weight: 2000000}]
                """)
            #expect(bad.stderr.contains("weight") && bad.stderr.contains("1e+06") || bad.stderr.contains("1000000"))
        }
    }
}
