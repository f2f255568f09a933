import ArgumentParser
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A program `firstdeploy` runs beside itself (the playground, the operator under test): its
/// standard output and error in one log file, its CPU time and memory read from /proc, ended
/// with SIGTERM as a kubelet ends a container (SIGKILL only past a deadline).
///
/// Started with posix_spawn and a clean signal state rather than `Process`: a child of
/// `Process` inherits the spawning thread's signal mask, and the bench's threads (Swift
/// concurrency, Dispatch) block nearly every signal, SIGTERM included. A Python peer then never
/// sees the SIGTERM that asks it to stop (a Swift one does only because Dispatch reads signals
/// through signalfd, which works on blocked signals).
final class ChildProcess: Sendable {
    let name: String
    let logURL: URL
    let pid: Int32
    private let exit = Locked<Int32?>(nil)

    /// Starts `executable` with `arguments`; `environment` is added to the bench's own, less
    /// every `MODELOPS_*` and `KUBECONFIG` variable (the child is told what it needs).
    init(name: String, executable: String, arguments: [String], environment: [String: String] = [:], logURL: URL) throws {
        self.name = name
        self.logURL = logURL
        FileManager.default.createFile(atPath: logURL.path, contents: nil)
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("MODELOPS_") && $0.key != "KUBECONFIG" }
        env.merge(environment) { _, new in new }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t(), all = sigset_t()
        sigemptyset(&none)
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var files = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&files)
        defer { posix_spawn_file_actions_destroy(&files) }
        posix_spawn_file_actions_addopen(&files, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&files, 1, logURL.path, O_WRONLY | O_APPEND, 0)
        posix_spawn_file_actions_adddup2(&files, 1, 2)

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &files, &attributes, argv, envp)
        guard result == 0 else { throw ValidationError("cannot start \(name) (\(executable)): \(String(cString: strerror(result)))") }
        self.pid = pid
    }

    /// The exit status once it has ended (128 + the signal when a signal ended it, as shells say).
    var exitStatus: Int32? {
        exit.withLock { exit in
            if exit == nil {
                var status: Int32 = 0
                if waitpid(pid, &status, WNOHANG) == pid {
                    exit = status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + status & 0x7f
                }
            }
            return exit
        }
    }

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
