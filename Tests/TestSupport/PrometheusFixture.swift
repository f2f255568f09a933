import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#endif
import KubeCore
import Synchronization

/// A real Prometheus (Debian's `/usr/bin/prometheus`) scraping a `MetricsExporter` whose gauges the
/// test sets, for tests of analysis against the real query language and HTTP API.
///
/// A watchdog shell kills Prometheus when its stdin closes, which happens when the test process
/// dies, so no Prometheus outlives its test run; `stop()` stops it in the ordinary way.
/// Always `stop()` (or use `PrometheusFixture.with { ... }`, which stops on every path).
public final class PrometheusFixture: Sendable {
    public struct Unavailable: Error, CustomStringConvertible {
        public var description: String
    }

    /// Base URL of the Prometheus HTTP API, e.g. "http://127.0.0.1:41234".
    /// How Prometheus scrapes the operator when its metrics are secure (`--metrics-secure`): HTTPS
    /// with a bearer token, the server's self-signed certificate not verified, as the
    /// ServiceMonitor of manifests/monitoring configures it.
    public struct SecureScrape: Sendable {
        public var bearerToken: String
        public init(bearerToken: String) { self.bearerToken = bearerToken }
    }

    public let address: String
    public let exporter: MetricsExporter
    public let dir: URL
    private let process: Process
    private let watchdog: ExitWatchdog
    private let stopped = Mutex(false)

    public static var binary: String {
        ["/usr/bin/prometheus", Command.which("prometheus")].compactMap { $0 }
            .first { FileManager.default.isExecutableFile(atPath: $0) } ?? "/usr/bin/prometheus"
    }

    private init(address: String, exporter: MetricsExporter, dir: URL, process: Process, watchdog: ExitWatchdog) {
        self.address = address
        self.exporter = exporter
        self.dir = dir
        self.process = process
        self.watchdog = watchdog
    }

    /// Starts the exporter and Prometheus, and returns once Prometheus is ready (`/-/ready`) and has
    /// scraped the exporter once. Series removed from the exporter vanish from queries after
    /// `lookbackDelta`: Prometheus's own default (5 minutes) unless a test removes series. A short
    /// one makes a run of missed scrapes on a loaded CI machine read as "no data".
    ///
    /// A failed scrape (200 ms timeout) on a loaded machine does not hide the series: the exporter
    /// timestamps its samples, which Prometheus never marks stale (see `MetricsExporter.exposition`).
    public static func start(scrapeInterval: Duration = .milliseconds(200),
                             lookbackDelta: Duration = .seconds(300),
                             operatorTargets: [String] = [],
                             secureScrape: SecureScrape? = nil) async throws -> PrometheusFixture {
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw Unavailable(description: "prometheus not found at \(binary): install Debian's prometheus package (.ci/run does)")
        }
        let exporter = try await MetricsExporter.start()
        var lastError: any Error = Unavailable(description: "prometheus did not start")
        for _ in 0..<3 {  // a free port can be taken between finding it and Prometheus binding it
            do {
                let fixture = try await launch(exporter: exporter, scrapeInterval: scrapeInterval, lookbackDelta: lookbackDelta,
                                               operatorTargets: operatorTargets, secureScrape: secureScrape)
                do {
                    try await fixture.waitUntilReady()
                    return fixture
                } catch {
                    await fixture.stopPrometheus()
                    lastError = error
                    if !"\(error)".contains("address already in use") { break }
                }
            } catch {
                lastError = error
                break
            }
        }
        await exporter.stop()
        throw lastError
    }

    /// Runs `body` with a started fixture and stops it afterwards, also when `body` throws.
    public static func with<T: Sendable>(scrapeInterval: Duration = .milliseconds(200),
                                         lookbackDelta: Duration = .seconds(300),
                                         operatorTargets: [String] = [],
                                         secureScrape: SecureScrape? = nil,
                                         _ body: (PrometheusFixture) async throws -> T) async throws -> T {
        let fixture = try await start(scrapeInterval: scrapeInterval, lookbackDelta: lookbackDelta, operatorTargets: operatorTargets,
                                      secureScrape: secureScrape)
        do {
            let result = try await body(fixture)
            await fixture.stop()
            return result
        } catch {
            await fixture.stop()
            throw error
        }
    }

    private static func launch(exporter: MetricsExporter, scrapeInterval: Duration,
                               lookbackDelta: Duration, operatorTargets: [String], secureScrape: SecureScrape?) async throws -> PrometheusFixture {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("prometheus-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("data"), withIntermediateDirectories: true)
        var secure = ""
        if let secureScrape {
            let tokenFile = dir.appendingPathComponent("token")
            try Data(secureScrape.bearerToken.utf8).write(to: tokenFile)
            secure = "\n    scheme: https\n    authorization:\n      credentials_file: \(tokenFile.path)\n"
                + "    tls_config:\n      insecure_skip_verify: true"
        }
        let interval = "\(max(1, scrapeInterval.milliseconds))ms"
        let config = """
            global:
              scrape_interval: \(interval)
              scrape_timeout: \(interval)
              evaluation_interval: 1m
            scrape_configs:
              - job_name: exporter
                static_configs:
                  - targets: ['127.0.0.1:\(exporter.port)']
            """ + (operatorTargets.isEmpty ? "" : """

              - job_name: modelops-operator-metrics
                static_configs:
                  - targets: [\(operatorTargets.map { "'\($0)'" }.joined(separator: ", "))]\(secure)
            """)
        try Data(config.utf8).write(to: dir.appendingPathComponent("prometheus.yml"))
        let port = try freePort()
        let log = dir.appendingPathComponent("prometheus.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let logHandle = try FileHandle(forWritingTo: log)
        defer { try? logHandle.close() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["--config.file=\(dir.appendingPathComponent("prometheus.yml").path)",
                             "--storage.tsdb.path=\(dir.appendingPathComponent("data").path)",
                             "--web.listen-address=127.0.0.1:\(port)",
                             "--query.lookback-delta=\(max(1, lookbackDelta.milliseconds))ms",
                             "--log.level=warn"]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = logHandle
        process.standardError = logHandle
        try process.run()
        let watchdog: ExitWatchdog
        do {
            watchdog = try ExitWatchdog.start(signal: "TERM", target: process.processIdentifier)
        } catch {
            process.terminate()
            throw error
        }
        return PrometheusFixture(address: "http://127.0.0.1:\(port)", exporter: exporter, dir: dir, process: process,
                                 watchdog: watchdog)
    }

    /// The Prometheus process's id.
    public var prometheusPID: Int32 { process.processIdentifier }

    /// The end of Prometheus's log, for error messages.
    public func logTail(lines: Int = 20) -> String {
        let text = (try? String(contentsOf: dir.appendingPathComponent("prometheus.log"), encoding: .utf8)) ?? ""
        return text.split(separator: "\n").suffix(lines).joined(separator: "\n")
    }

    private func waitUntilReady() async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        while true {
            if !process.isRunning {
                throw Unavailable(description: "prometheus exited with status \(process.terminationStatus):\n\(logTail())")
            }
            if let (status, _) = try? await get("/-/ready"), status == 200 { break }
            if ContinuousClock.now >= deadline {
                throw Unavailable(description: "prometheus not ready after 30 s:\n\(logTail())")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        try await waitForSample(query: "up{job=\"exporter\"}", where: { $0 == 1 })
    }

    /// GET of a path of the Prometheus server: (status, body).
    public func get(_ pathAndQuery: String) async throws -> (Int, Data) {
        var request = URLRequest(url: URL(string: address + pathAndQuery)!)
        request.timeoutInterval = 5
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, data)
    }

    /// The instant query's answer at Prometheus's current time, as JSON.
    public func query(_ promql: String) async throws -> JSON {
        var components = URLComponents(string: address + "/api/v1/query")!
        components.queryItems = [URLQueryItem(name: "query", value: promql)]
        let encoded = components.percentEncodedQuery!.replacingOccurrences(of: "+", with: "%2B")
        let (_, data) = try await get("/api/v1/query?" + encoded)
        return try JSON.parse(Array(data))
    }

    /// The range query's answer over the last `seconds` at 1 s steps, as JSON: what Grafana asks
    /// for a time-series panel.
    public func queryRange(_ promql: String, seconds: Int) async throws -> JSON {
        let end = Date().timeIntervalSince1970
        var components = URLComponents(string: address + "/api/v1/query_range")!
        components.queryItems = [URLQueryItem(name: "query", value: promql),
                                 URLQueryItem(name: "start", value: String(format: "%.3f", end - Double(seconds))),
                                 URLQueryItem(name: "end", value: String(format: "%.3f", end)), URLQueryItem(name: "step", value: "1")]
        let encoded = components.percentEncodedQuery!.replacingOccurrences(of: "+", with: "%2B")
        let (_, data) = try await get("/api/v1/query_range?" + encoded)
        return try JSON.parse(Array(data))
    }

    /// Waits (up to `timeout`) until `promql` returns a sample whose value satisfies `predicate`,
    /// and returns that value. Use this instead of sleeping for scrapes.
    @discardableResult
    public func waitForSample(query promql: String, timeout: Duration = .seconds(60),
                              where predicate: (Double) -> Bool = { _ in true }) async throws -> Double {
        var found: Double?
        var last = "no answer"
        do {
            try await eventually(timeout: timeout, "a sample of \(promql)") {
                guard let answer = try? await query(promql) else { return false }
                last = answer.serializedString()
                guard let text = answer[path: ["data", "result"]]?[0]?["value"]?[1]?.stringValue,
                      let value = Double(text), predicate(value) else { return false }
                found = value
                return true
            }
        } catch {
            throw Unavailable(description: "no matching sample of \(promql) within \(timeout); last answer: \(last)")
        }
        return found!
    }

    /// Waits (up to `timeout`) until `promql` returns an empty vector (e.g. after `exporter.remove`).
    public func waitForNoSample(query promql: String, timeout: Duration = .seconds(60)) async throws {
        try await eventually(timeout: timeout, "no sample of \(promql)") {
            guard let answer = try? await query(promql) else { return false }
            return answer[path: ["data", "result"]]?.arrayValue?.isEmpty == true
        }
    }

    /// Stops Prometheus (SIGTERM, SIGKILL after 10 s), the exporter, and removes the data directory.
    public func stop() async {
        await stopPrometheus()
        await exporter.stop()
    }

    private func stopPrometheus() async {
        guard stopped.withLock({ let was = $0; $0 = true; return !was }) else { return }
        // The watchdog goes first, so that it never signals a process id the system has reused.
        watchdog.disarm()
        if process.isRunning { kill(process.processIdentifier, SIGTERM) }
        if (try? await eventually(timeout: .seconds(10), "prometheus to exit", { !process.isRunning })) == nil {
            kill(process.processIdentifier, SIGKILL)
            try? await eventually(timeout: .seconds(5), "prometheus to be killed", { !process.isRunning })
        }
        try? FileManager.default.removeItem(at: dir)
    }

    /// A port nobody listens on right now (bind to port 0, read it, close).
    public static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Unavailable(description: "socket() failed: errno \(errno)") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw Unavailable(description: "could not find a free port: errno \(errno)") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

extension Duration {
    fileprivate var milliseconds: Int64 {
        components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000
    }
}
