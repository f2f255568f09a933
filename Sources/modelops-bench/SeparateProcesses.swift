import ArgumentParser
import Foundation

/// The API server and the operator as processes of their own, for the scenarios that measure
/// the operator alone (`firstdeploy`, `informer --own-process`): a fresh playground, `modelops run`
/// on free loopback ports, and the binaries built next to modelops-bench.
enum SeparateProcesses {
    /// A fresh `modelops-playground --no-operator` (simulator on) writing its kubeconfig into `dir`
    /// and serving its request counts by client.
    static func playground(binary: String, dir: URL, teardown: Teardown, progress: Progress) async throws
        -> (kubeconfig: String, counts: ServerRequestCounts) {
        progress.say("starting modelops-playground --no-operator")
        let kubeconfig = dir.appendingPathComponent("kubeconfig").path
        let playground = try ChildProcess(
            name: "modelops-playground", executable: binary,
            arguments: ["--no-operator", "--kubeconfig", kubeconfig, "--port", "0", "--request-counts-port", "0"],
            logURL: dir.appendingPathComponent("playground.log"))
        teardown.add { await playground.stop() }
        let counts = ServerRequestCounts(url: try await playground.waitForLine("its request counts", timeout: 120) { line in
            line.hasPrefix("request counts: ") ? line.dropFirst("request counts: ".count).split(separator: " ").first.map(String.init) : nil
        })
        // The kubeconfig is announced once written.
        _ = try await playground.waitForLine("its kubeconfig", timeout: 120) { $0.hasPrefix("kubeconfig: ") ? true : nil }
        return (kubeconfig, counts)
    }

    /// The cluster a scenario runs against: `kubeconfig` when given (no request counts), else a
    /// fresh playground (`playground` or the one next to modelops-bench) and its request counts.
    static func server(kubeconfig: String?, playground: String?, dir: URL, teardown: Teardown, progress: Progress) async throws
        -> (kubeconfig: String, counts: ServerRequestCounts?) {
        if let kubeconfig { return (kubeconfig, nil) }
        let binary = try siblingBinary("modelops-playground", given: playground, flag: "--playground")
        let started = try await Self.playground(binary: binary, dir: dir, teardown: teardown, progress: progress)
        return (started.kubeconfig, started.counts)
    }

    /// `modelops run` against `kubeconfig` without leader election, its metrics and probes on
    /// free loopback ports.
    struct ModelopsRun {
        var arguments: [String]
        var metricsPort: Int
        var readyURL: String

        init(kubeconfig: String, context: String?, extra: [String]) throws {
            metricsPort = try LoopbackHTTP.freePort()
            var health = try LoopbackHTTP.freePort()
            while health == metricsPort { health = try LoopbackHTTP.freePort() }
            arguments = ["run", "--kubeconfig", kubeconfig, "--no-leader-elect",
                         "--metrics-bind-address", "127.0.0.1:\(metricsPort)", "--health-probe-bind-address", "127.0.0.1:\(health)"]
            if let context { arguments += ["--context", context] }
            arguments += extra
            readyURL = "http://127.0.0.1:\(health)/readyz"
        }

        /// The sum of a metric's series on the operator's /metrics (nil when it does not answer).
        func metricSum(_ name: String) -> Double? {
            guard let response = LoopbackHTTP.get(port: metricsPort, path: "/metrics"), response.status == 200 else { return nil }
            var total = 0.0
            for line in response.text.split(separator: "\n") where line.hasPrefix(name + "{") || line.hasPrefix(name + " ") {
                total += line.split(separator: " ").last.flatMap { Double($0) } ?? 0
            }
            return total
        }
    }

    /// `given`, or the executable `name` next to modelops-bench (SwiftPM builds them into one directory).
    static func siblingBinary(_ name: String, given: String?, flag: String) throws -> String {
        if let given { return given }
        let me = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        let candidate = URL(fileURLWithPath: me).deletingLastPathComponent().appendingPathComponent(name).path
        guard FileManager.default.isExecutableFile(atPath: candidate) else {
            throw ValidationError("no \(name) binary next to modelops-bench (\(candidate)); build it or pass \(flag)")
        }
        return candidate
    }

    /// Runs `measure` with a fresh directory for the run's logs and kubeconfig and a teardown
    /// that always runs. The directory is kept when the run fails (its path is in the error) or
    /// with `keepLogs`.
    static func run(_ scenario: String, keepLogs: Bool, progress: Progress,
                    _ measure: (URL, Teardown) async throws -> BenchReport) async throws -> BenchReport {
        let dir = FileManager.default.temporaryDirectory
            .appendingPathComponent("modelops-\(scenario)-" + UUID().uuidString.lowercased().prefix(8))
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let teardown = Teardown()
        let report: BenchReport
        do {
            report = try await measure(dir, teardown)
        } catch {
            await teardown.run()
            throw ValidationError("\(error)\n(the run's logs and kubeconfig are kept in \(dir.path))")
        }
        await teardown.run()
        if keepLogs {
            progress.say("logs kept in \(dir.path)")
        } else {
            try? FileManager.default.removeItem(at: dir)
        }
        return report
    }
}
