import ArgumentParser
import Foundation

/// A program `firstdeploy` runs beside itself (the playground, the operator under test): its
/// standard output and error in one log file, its CPU time and memory read from /proc, ended
/// with SIGTERM as a kubelet ends a container (SIGKILL only past a deadline).
final class ChildProcess: Sendable {
    let name: String
    let logURL: URL
    private let process: Process
    private let exit = Locked<Int32?>(nil)

    /// Starts `executable` with `arguments`; `environment` is added to the bench's own, less
    /// every `MODELOPS_*` and `KUBECONFIG` variable (the child is told what it needs).
    init(name: String, executable: String, arguments: [String], environment: [String: String] = [:], logURL: URL) throws {
        self.name = name
        self.logURL = logURL
        FileManager.default.createFile(atPath: logURL.path, contents: nil)
        process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("MODELOPS_") && $0.key != "KUBECONFIG" }
        env.merge(environment) { _, new in new }
        process.environment = env
        let log = try FileHandle(forWritingTo: logURL)
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        let exit = self.exit
        process.terminationHandler = { finished in exit.withLock { $0 = finished.terminationStatus } }
        try process.run()
        try? log.close()
    }

    var pid: Int32 { process.processIdentifier }
    var exitStatus: Int32? { exit.value }
    var log: String { (try? String(contentsOf: logURL, encoding: .utf8)) ?? "" }

    /// CPU seconds (user + system) so far; nil once it has exited.
    var cpuSeconds: Double? { ProcessStats.cpuSeconds(pid: pid) }
    /// Resident memory now (VmRSS), MB.
    var rssMB: Double? { ProcessStats.memoryMB(String(pid), "VmRSS") }
    /// The peak resident memory so far (VmHWM), MB.
    var peakRSSMB: Double? { ProcessStats.memoryMB(String(pid), "VmHWM") }

    /// Throws if the process has ended (a crash while the bench waits on it).
    func checkRunning() throws {
        if let status = exitStatus {
            throw ValidationError("\(name) exited with status \(status); its output is in \(logURL.path):\n"
                                  + log.split(separator: "\n").suffix(20).joined(separator: "\n"))
        }
    }

    /// Waits until a line of its output satisfies `match` and returns what `match` returned.
    func waitForLine<T>(_ what: String, timeout: Double, _ match: @escaping (Substring) -> T?) async throws -> T {
        var found: T?
        try await waitUntil("\(name) to print \(what)", timeout: timeout) {
            found = log.split(separator: "\n").lazy.compactMap(match).first
            if found == nil { try checkRunning() }
            return found != nil
        }
        return found!
    }

    /// Sends SIGTERM and waits up to `timeout` seconds for the exit, then SIGKILL. Returns the exit
    /// status (nil if it had to be killed).
    @discardableResult
    func stop(timeout: Double = 30) async -> Int32? {
        guard exitStatus == nil else { return exitStatus }
        kill(pid, SIGTERM)
        if (try? await waitUntil("\(name) to exit", timeout: timeout, every: .milliseconds(20)) { exitStatus != nil }) != nil {
            return exitStatus
        }
        kill(pid, SIGKILL)
        try? await waitUntil("\(name) to be killed", timeout: 10) { exitStatus != nil }
        return nil
    }
}
