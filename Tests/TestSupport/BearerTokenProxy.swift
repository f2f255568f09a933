import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// MLflow behind a proxy that wants a bearer token, as deployments with token auth put it
/// (open-source MLflow has basic auth only; Databricks and auth proxies take the token MLflow's
/// client sends for `MLFLOW_TRACKING_TOKEN`). Requests with `Authorization: Bearer <token>` are
/// forwarded to the real server; others get 401 with an MLflow-shaped error. Python's standard
/// library, run by the Python MLflow is installed in.
public final class BearerTokenProxy: Sendable {
    public let address: String
    private let process: Process
    private let watchdog: ExitWatchdog

    static let script = #"""
        import http.server, sys, urllib.error, urllib.request
        TOKEN, UPSTREAM, PORT = sys.argv[1], sys.argv[2], int(sys.argv[3])
        OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never via $http_proxy
        class Proxy(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            def forward(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                if self.headers.get("Authorization") != "Bearer " + TOKEN:
                    status, ctype, data = 401, "application/json", b'{"error_code": "UNAUTHENTICATED", "message": "a valid bearer token is required"}'
                else:
                    request = urllib.request.Request(UPSTREAM + self.path, data=body, method=self.command)
                    if self.headers.get("Content-Type"):
                        request.add_header("Content-Type", self.headers["Content-Type"])
                    try:
                        with OPENER.open(request, timeout=30) as answer:
                            status, ctype, data = answer.status, answer.headers.get("Content-Type", "application/json"), answer.read()
                    except urllib.error.HTTPError as error:
                        status, ctype, data = error.code, error.headers.get("Content-Type", "application/json"), error.read()
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = forward
            def log_message(self, *args):
                pass
        http.server.ThreadingHTTPServer(("127.0.0.1", PORT), Proxy).serve_forever()
        """#

    private init(address: String, process: Process, watchdog: ExitWatchdog) {
        self.address = address
        self.process = process
        self.watchdog = watchdog
    }

    /// Starts the proxy in front of `upstream` and returns once it forwards `/health`.
    public static func start(upstream: String, token: String) async throws -> BearerTokenProxy {
        let port = try PrometheusFixture.freePort()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: MLflowFixture.python)
        process.arguments = ["-c", script, token, upstream, String(port)]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let watchdog: ExitWatchdog
        do {
            watchdog = try ExitWatchdog.start(signal: "KILL", target: process.processIdentifier)
        } catch {
            process.terminate()
            throw error
        }
        let proxy = BearerTokenProxy(address: "http://127.0.0.1:\(port)", process: process, watchdog: watchdog)
        do {
            try await eventually(timeout: .seconds(30), "the token proxy to forward /health") {
                let result = try await Command.run(Command.which("curl") ?? "/usr/bin/curl",
                                                   ["-s", "--noproxy", "*", "-o", "/dev/null", "-w", "%{http_code}", "-H", "Authorization: Bearer \(token)",
                                                    "\(proxy.address)/health"])
                return result.stdout == "200"
            }
        } catch {
            proxy.stop()
            throw error
        }
        return proxy
    }

    public func stop() {
        watchdog.disarm()
        if process.isRunning { process.terminate() }
    }
}
