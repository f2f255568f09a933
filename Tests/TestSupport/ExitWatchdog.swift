import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Kills a server a fixture started when the test process dies without stopping it: a shell
/// that reads its stdin and, when the kernel closes that pipe (the test process is gone), sends
/// the signal. It only reads and kills: no `wait`, which would hang on the SIGCHLD mask the test
/// process hands its children. `disarm()` before stopping the server the ordinary way, so the
/// watchdog never signals a process id the system has reused.
struct ExitWatchdog: Sendable {
    let process: Process
    let input: FileHandle

    /// `target` is a pid, or `-pgid` for a whole process group.
    static func start(signal: String, target: Int32) throws -> ExitWatchdog {
        let watchdog = Process()
        watchdog.executableURL = URL(fileURLWithPath: "/bin/sh")
        watchdog.arguments = ["-c", "read -r _; kill -\(signal) -- \"$0\" 2>/dev/null", String(target)]
        let input = Pipe()
        watchdog.standardInput = input
        watchdog.standardOutput = FileHandle.nullDevice
        watchdog.standardError = FileHandle.nullDevice
        try watchdog.run()
        return ExitWatchdog(process: watchdog, input: input.fileHandleForWriting)
    }

    func disarm() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        try? input.close()
    }
}
