import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#endif
import KubeCore
import Synchronization

/// A real MLflow tracking server and model registry (PyPI's `mlflow`, as `.ci/run` installs it)
/// over a SQLite store in a temporary directory, for tests of what the operator writes to MLflow.
/// `python(_:)` runs a snippet with MLflow's own Python client against it, so that what we
/// wrote is read back by the library users have.
///
/// The server leads a process group of its own (Foundation's `Process` starts children so):
/// `mlflow server` starts uvicorn as a child, and the whole group is stopped together. A watchdog kills the group when the test
/// process dies. `stop(keepingData:)` and `start(reusing:)` stop and restart it on the same port
/// and store, for tests of an outage.
public final class MLflowFixture: Sendable {
    public struct Unavailable: Error, CustomStringConvertible {
        public var description: String
    }

    /// The tracking URI, e.g. "http://127.0.0.1:41234".
    public let address: String
    public let port: Int
    public let dir: URL
    private let process: Process
    private let watchdog: ExitWatchdog
    private let stopped = Mutex(false)

    /// The `mlflow` executable: `$MODELOPS_MLFLOW`, else the virtualenv `.ci/run` installs
    /// (`~/.cache/modelops/mlflow`), else the one on PATH.
    public static var binary: String {
        let home = FileManager.default.homeDirectoryForCurrentUser.path
        return [ProcessInfo.processInfo.environment["MODELOPS_MLFLOW"], "\(home)/.cache/modelops/mlflow/bin/mlflow", Command.which("mlflow")]
            .compactMap { $0 }.first { FileManager.default.isExecutableFile(atPath: $0) } ?? "mlflow"
    }

    /// The Python next to `binary` (the one MLflow is installed in).
    public static var python: String {
        URL(fileURLWithPath: binary).deletingLastPathComponent().appendingPathComponent("python3").path
    }

    private init(address: String, port: Int, dir: URL, process: Process, watchdog: ExitWatchdog) {
        self.address = address
        self.port = port
        self.dir = dir
        self.process = process
        self.watchdog = watchdog
    }

    /// Starts a server on a fresh store, or on `reusing`'s store and port (after its `stop(keepingData: true)`),
    /// and returns once `/health` answers.
    /// With `basicAuth`, the server runs MLflow's `basic-auth` app with that admin user: every
    /// request needs the user's password.
    public static func start(reusing previous: MLflowFixture? = nil, basicAuth: (username: String, password: String)? = nil) async throws -> MLflowFixture {
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw Unavailable(description: "mlflow not found (\(binary)): pip install 'mlflow[auth]==3.17.2' into ~/.cache/modelops/mlflow (.ci/run does), or set MODELOPS_MLFLOW")
        }
        let dir = previous?.dir ?? FileManager.default.temporaryDirectory.appendingPathComponent("mlflow-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("artifacts"), withIntermediateDirectories: true)
        let port = try previous?.port ?? PrometheusFixture.freePort()
        let log = dir.appendingPathComponent("mlflow.log")
        if !FileManager.default.fileExists(atPath: log.path) { _ = FileManager.default.createFile(atPath: log.path, contents: nil) }
        let logHandle = try FileHandle(forWritingTo: log)
        logHandle.seekToEndOfFile()
        defer { try? logHandle.close() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["server",
                             "--backend-store-uri", "sqlite:///\(dir.appendingPathComponent("mlflow.db").path)",
                             "--default-artifact-root", dir.appendingPathComponent("artifacts").path,
                             "--host", "127.0.0.1", "--port", "\(port)", "--workers", "1"]
        var environment = ProcessInfo.processInfo.environment
        environment["MLFLOW_SERVER_ENABLE_JOB_EXECUTION"] = "false"
        if let basicAuth {
            let ini = dir.appendingPathComponent("basic_auth.ini")
            try Data("""
                [mlflow]
                default_permission = READ
                database_uri = sqlite:///\(dir.appendingPathComponent("auth.db").path)
                admin_username = \(basicAuth.username)
                admin_password = \(basicAuth.password)
                authorization_function = mlflow.server.auth:authenticate_request_basic_auth

                """.utf8).write(to: ini)
            environment["MLFLOW_AUTH_CONFIG_PATH"] = ini.path
            environment["MLFLOW_FLASK_SERVER_SECRET_KEY"] = "modelops-tests"  // CSRF key the auth app requires
            process.arguments! += ["--app-name", "basic-auth"]
        }
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = logHandle
        process.standardError = logHandle
        try process.run()
        // Foundation starts every child as the leader of a process group of its own (pgid = pid).
        let watchdog: ExitWatchdog
        do {
            watchdog = try ExitWatchdog.start(signal: "KILL", target: -process.processIdentifier)
        } catch {
            kill(-process.processIdentifier, SIGKILL)
            throw error
        }
        let fixture = MLflowFixture(address: "http://127.0.0.1:\(port)", port: port, dir: dir, process: process, watchdog: watchdog)
        do {
            try await fixture.waitUntilHealthy()
        } catch {
            await fixture.stop()
            throw error
        }
        return fixture
    }

    /// Runs `body` with a fresh server, stopping it (and deleting its store) on every path.
    public static func with<T: Sendable>(_ body: (MLflowFixture) async throws -> T) async throws -> T {
        let fixture = try await start()
        do {
            let result = try await body(fixture)
            await fixture.stop()
            return result
        } catch {
            await fixture.stop()
            throw error
        }
    }

    /// The end of the server's log, for error messages.
    public func logTail(lines: Int = 20) -> String {
        let text = (try? String(contentsOf: dir.appendingPathComponent("mlflow.log"), encoding: .utf8)) ?? ""
        return text.split(separator: "\n").suffix(lines).joined(separator: "\n")
    }

    private func waitUntilHealthy() async throws {
        do {
            try await eventually(timeout: .seconds(120), "mlflow server to answer /health") {
                if !process.isRunning { return true }
                return (try? await get("/health"))?.0 == 200
            }
        } catch {
            throw Unavailable(description: "mlflow server not healthy after 120 s:\n\(logTail())")
        }
        if !process.isRunning {
            throw Unavailable(description: "mlflow server exited with status \(process.terminationStatus):\n\(logTail())")
        }
    }

    /// GET of a path of the server: (status, body).
    public func get(_ pathAndQuery: String) async throws -> (Int, Data) {
        var request = URLRequest(url: URL(string: address + pathAndQuery)!)
        request.timeoutInterval = 5
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, data)
    }

    /// Runs a Python snippet with `MLFLOW_TRACKING_URI` set to this server (or `through`, a proxy
    /// in front of it) and returns what it printed on stdout; throws with its stderr when it
    /// exits non-zero. `token` is MLflow's `MLFLOW_TRACKING_TOKEN`.
    public func python(_ script: String, username: String? = nil, password: String? = nil, token: String? = nil,
                       through: String? = nil) async throws -> String {
        var environment = ["MLFLOW_TRACKING_URI": through ?? address]
        if let username, let password {
            environment["MLFLOW_TRACKING_USERNAME"] = username
            environment["MLFLOW_TRACKING_PASSWORD"] = password
        }
        if let token { environment["MLFLOW_TRACKING_TOKEN"] = token }
        let result = try await Command.run(Self.python, ["-c", script], environment: environment)
        guard result.status == 0 else {
            throw Unavailable(description: "python snippet exited \(result.status):\n\(result.stderr)")
        }
        return result.stdout
    }

    /// Stops the server's whole process group (SIGTERM, SIGKILL after 10 s; at once when
    /// `crash`: uvicorn's graceful shutdown goes on answering open connections for seconds);
    /// removes the store unless `keepingData` (for `start(reusing:)`).
    public func stop(keepingData: Bool = false, crash: Bool = false) async {
        guard stopped.withLock({ let was = $0; $0 = true; return !was }) else { return }
        watchdog.disarm()
        let group = process.processIdentifier
        kill(-group, crash ? SIGKILL : SIGTERM)
        if (try? await eventually(timeout: .seconds(10), "mlflow to exit", { !process.isRunning })) == nil {
            kill(-group, SIGKILL)
            try? await eventually(timeout: .seconds(5), "mlflow to be killed", { !process.isRunning })
        }
        kill(-group, SIGKILL)  // uvicorn's worker, should it outlive the server
        if !keepingData { try? FileManager.default.removeItem(at: dir) }
    }
}
