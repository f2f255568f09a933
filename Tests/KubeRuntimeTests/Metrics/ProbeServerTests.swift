import Foundation
import Testing
import TestSupport
@testable import KubeRuntime

@Suite("Metrics and probes")
struct ProbeServerTests {
    static let promtool = Command.which("promtool") ?? (FileManager.default.isExecutableFile(atPath: "/usr/bin/promtool") ? "/usr/bin/promtool" : nil)

    /// `curl -i`: status, headers and body of one GET.
    func get(_ port: Int, _ path: String) async throws -> (status: Int, headers: String, body: String) {
        let result = try await Command.run(Command.which("curl") ?? "/usr/bin/curl",
                                           ["-sS", "-i", "--max-time", "10", "http://127.0.0.1:\(port)\(path)"])
        #expect(result.status == 0, "\(result)")
        let parts = result.stdout.components(separatedBy: "\r\n\r\n")
        let headers = parts.first ?? ""
        let status = Int(headers.split(separator: " ").dropFirst().first ?? "") ?? 0
        return (status, headers, parts.dropFirst().joined(separator: "\r\n\r\n"))
    }

    /// Some activity on every family.
    func exercise(_ metrics: RuntimeMetrics) {
        let controller = metrics.controller("modeldeployment")
        controller.reconciled(.success, duration: .milliseconds(12))
        controller.reconciled(.error, duration: .milliseconds(40))
        controller.reconciled(.requeueAfter, duration: .milliseconds(3))
        metrics.reconciled(controller: "retrainpolicy", result: .requeue, duration: .seconds(2))
        let queue = metrics.queueObserver(name: "modeldeployment")
        queue.added()
        queue.added()
        queue.depthChanged(2)
        queue.queueDuration(.microseconds(300))
        queue.workDuration(.milliseconds(12))
        queue.retried()
        queue.depthChanged(1)
        metrics.restClientRequest(status: 200, method: "GET", host: "10.0.0.1:6443")
        metrics.restClientRequest(status: nil, method: "PUT", host: "10.0.0.1:6443")
        metrics.setLeader(name: "modelops-leader", leading: true)
    }

    @Test("the exposition carries controller-runtime's names and labels")
    func names() {
        let metrics = RuntimeMetrics()
        exercise(metrics)
        let text = String(decoding: metrics.exposition(), as: UTF8.self)
        let expected = [
            #"controller_runtime_reconcile_total{controller="modeldeployment",result="success"} 1"#,
            #"controller_runtime_reconcile_total{controller="modeldeployment",result="error"} 1"#,
            #"controller_runtime_reconcile_total{controller="modeldeployment",result="requeue_after"} 1"#,
            #"controller_runtime_reconcile_total{controller="modeldeployment",result="requeue"} 0"#,
            #"controller_runtime_reconcile_total{controller="retrainpolicy",result="requeue"} 1"#,
            #"controller_runtime_reconcile_errors_total{controller="modeldeployment"} 1"#,
            #"controller_runtime_reconcile_errors_total{controller="retrainpolicy"} 0"#,
            #"controller_runtime_reconcile_time_seconds_count{controller="modeldeployment"} 3"#,
            "# TYPE controller_runtime_reconcile_time_seconds histogram",
            #"workqueue_depth{name="modeldeployment"} 1"#,
            #"workqueue_adds_total{name="modeldeployment"} 2"#,
            #"workqueue_retries_total{name="modeldeployment"} 1"#,
            #"workqueue_queue_duration_seconds_count{name="modeldeployment"} 1"#,
            #"workqueue_work_duration_seconds_count{name="modeldeployment"} 1"#,
            #"rest_client_requests_total{code="200",method="GET",host="10.0.0.1:6443"} 1"#,
            #"rest_client_requests_total{code="<error>",method="PUT",host="10.0.0.1:6443"} 1"#,
            #"leader_election_master_status{name="modelops-leader"} 1"#,
        ]
        for line in expected {
            #expect(text.contains(line), "missing: \(line)\n\(text)")
        }
    }

    @Test("bind addresses as operators write them")
    func bindAddresses() throws {
        #expect(try BindAddress(parsing: ":8080") == BindAddress(host: "0.0.0.0", port: 8080))
        #expect(try BindAddress(parsing: "127.0.0.1:0") == BindAddress(host: "127.0.0.1", port: 0))
        #expect(try BindAddress(parsing: "[::1]:9090") == BindAddress(host: "::1", port: 9090))
        #expect(throws: BindAddressError.self) { try BindAddress(parsing: "8080") }
        #expect(throws: BindAddressError.self) { try BindAddress(parsing: ":99999") }
    }

    @Test("/healthz is ok, /readyz follows the readiness check, /metrics serves the exposition")
    func probes() async throws {
        let metrics = RuntimeMetrics()
        let ready = Flag()
        let server = try await ProbeServer.start(bindAddress: "127.0.0.1:0", metrics: metrics,
                                                 readiness: { ready.isSet ? .ready : .notReady("caches not synced: modeldeployments") })
        #expect(server.port > 0)

        let health = try await get(server.port, "/healthz")
        #expect(health.status == 200)
        #expect(health.body == "ok")

        let notReady = try await get(server.port, "/readyz")
        #expect(notReady.status == 500)
        #expect(notReady.body.contains("caches not synced: modeldeployments"))
        ready.set(true)
        let isReady = try await get(server.port, "/readyz")
        #expect(isReady.status == 200)
        #expect(isReady.body == "ok")

        exercise(metrics)
        let scrape = try await get(server.port, "/metrics")
        #expect(scrape.status == 200)
        #expect(scrape.headers.lowercased().contains("content-type: text/plain; version=0.0.4"))
        #expect(scrape.body.contains("controller_runtime_reconcile_total{controller=\"modeldeployment\",result=\"success\"} 1"))
        #expect(try await get(server.port, "/nope").status == 404)
        await server.stop()
    }

    @Test("promtool check metrics accepts the /metrics body", .enabled(if: promtool != nil, "promtool is missing: install the Debian prometheus package"))
    func promtoolAccepts() async throws {
        let metrics = RuntimeMetrics()
        exercise(metrics)
        let server = try await ProbeServer.start(bindAddress: "127.0.0.1:0", metrics: metrics)
        let scrape = try await get(server.port, "/metrics")
        await server.stop()
        let result = try await Command.run(try #require(Self.promtool), ["check", "metrics"], stdin: scrape.body)
        #expect(result.status == 0, "promtool: \(result.stdout)\(result.stderr)\n--- body ---\n\(scrape.body)")
    }

    @Test("bootstrapping the global MetricsSystem happens once per process")
    func bootstrapOnce() {
        // Whatever ran before, a second attempt must not trap and must report false.
        _ = RuntimeMetrics().bootstrapMetricsSystem()
        #expect(RuntimeMetrics().bootstrapMetricsSystem() == false)
    }
}
