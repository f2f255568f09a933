import Foundation
import KubeCore
import Synchronization
import Testing
import TestSupport

/// `modelops` running as a subprocess, its standard output and error in one log file, so a test
/// waits on what a user would see (log lines, HTTP answers) and ends it with a real SIGTERM.
final class OperatorProcess: Sendable {
    let process: Process
    let logURL: URL
    private let exit = ExitStatus()

    /// Runs `modelops` (or `executable`, e.g. a `kubectl get --watch` a test reads as it goes)
    /// with `arguments`, in `directory` (default: the test's).
    init(executable: String? = nil, arguments: [String], environment: [String: String] = [:], dropping: [String] = [],
         directory: URL? = nil) throws {
        let binary = try executable ?? #require(Repository.binary, "modelops binary not built next to the tests")
        let dir = try Repository.temporaryDirectory()
        logURL = dir.appendingPathComponent("operator.log")
        FileManager.default.createFile(atPath: logURL.path, contents: nil)
        process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for key in env.keys where key.hasPrefix("MODELOPS_") || key == "KUBECONFIG" || key.hasPrefix("KUBERNETES_") || dropping.contains(key) {
            env[key] = nil
        }
        env.merge(environment) { _, new in new }
        process.environment = env
        let handle = try FileHandle(forWritingTo: logURL)
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        if let directory { process.currentDirectoryURL = directory }
        let exit = self.exit
        process.terminationHandler = { finished in exit.value.withLock { $0 = finished.terminationStatus } }
        try process.run()
    }

    var log: String { (try? String(contentsOf: logURL, encoding: .utf8)) ?? "" }
    var lines: [String] { log.split(separator: "\n").map(String.init) }
    var exitStatus: Int32? { exit.value.withLock { $0 } }

    /// The first log line containing every one of `parts`, waiting up to `timeout`.
    @discardableResult
    func waitForLine(_ parts: String..., timeout: Duration = .seconds(60)) async throws -> String {
        let found = Mutex<String?>(nil)
        do {
            try await eventually(timeout: timeout, "a log line with \(parts)") {
                func match() -> String? { lines.first { line in parts.allSatisfy { line.contains($0) } } }
                let exited = exitStatus != nil
                if let line = match() {
                    found.withLock { $0 = line }
                    return true
                }
                if exited { throw ExitedEarly(status: exitStatus ?? -1) }
                return false
            }
        } catch {
            Issue.record("log so far:\n\(log)")
            throw error
        }
        return found.withLock { $0! }
    }

    /// Log lines that are JSON objects, parsed.
    var jsonLines: [JSON] { lines.compactMap { try? JSON.parse($0) } }

    /// The port a listener reported in its "serving …" line (JSON logs).
    func listenerPort(_ what: String) async throws -> Int {
        let line = try await waitForLine("\"serving \(what)\"")
        let address = try #require(try JSON.parse(line)["address"]?.stringValue)
        return try #require(Int(address.split(separator: ":").last ?? ""))
    }

    /// Waits for the process to end by itself.
    func waitForExit(timeout: Duration = .seconds(60)) async throws -> Int32 {
        try await eventually(timeout: timeout, "modelops to exit") { exitStatus != nil }
        return exitStatus!
    }

    /// Sends SIGTERM (what the kubelet sends) and waits for the exit status.
    func terminate(timeout: Duration = .seconds(60)) async throws -> Int32 {
        if exitStatus == nil { process.terminate() }
        return try await waitForExit(timeout: timeout)
    }

    /// Ends the process whatever state it is in (cleanup after a failed expectation).
    func kill() {
        if process.isRunning { Foundation.kill(process.processIdentifier, SIGKILL) }
    }

    /// Runs `modelops` to completion (for commands that end by themselves).
    static func run(_ arguments: [String], executable: String? = nil,
                    environment: [String: String] = [:]) async throws -> (status: Int32, output: String) {
        let running = try OperatorProcess(executable: executable, arguments: arguments, environment: environment)
        let status = try await running.waitForExit(timeout: .seconds(60))
        return (status, running.log)
    }
}

extension OperatorProcess {
    /// Runs `modelops-playground` with `arguments`.
    static func playground(_ arguments: [String]) throws -> OperatorProcess {
        try OperatorProcess(executable: #require(Repository.playground, "modelops-playground not built next to the tests"),
                            arguments: arguments)
    }
}

/// The exit status, set by the termination handler.
final class ExitStatus: Sendable {
    let value = Mutex<Int32?>(nil)
}

struct ExitedEarly: Error, CustomStringConvertible {
    var status: Int32
    var description: String { "modelops exited (status \(status)) before the expected line" }
}

/// GET over plain HTTP with curl (as the kubelet's probes and Prometheus do).
func httpGet(_ port: Int, _ path: String) async throws -> (status: Int, body: String) {
    let result = try await Command.run(TestCluster.curlPath, ["-sS", "-m", "5", "-w", "\n%{http_code}", "http://127.0.0.1:\(port)\(path)"])
    var lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
    let status = Int(lines.popLast() ?? "") ?? 0
    return (status, lines.joined(separator: "\n"))
}
