import Foundation

/// Runs a child process to completion without blocking a thread: `Process` reports its end
/// through `terminationHandler`, which resumes a continuation. Output is captured in temporary
/// files (removed afterwards) instead of pipes that would need a reader while the child runs.
enum ProcessRunner {
    struct Finished: Sendable {
        /// The exit status, or -1 when a signal ended the process (as Go's `ExitCode`).
        var exitCode: Int32
        var stdout: [UInt8]
        var stderr: [UInt8]
    }

    struct LaunchError: Error, CustomStringConvertible {
        var description: String
    }

    static func run(executable: String, arguments: [String], environment: [String: String]) async throws -> Finished {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("kubeclient-exec-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(at: directory) }
        let outURL = directory.appendingPathComponent("stdout")
        let errURL = directory.appendingPathComponent("stderr")
        guard FileManager.default.createFile(atPath: outURL.path, contents: nil, attributes: [.posixPermissions: 0o600]),
              FileManager.default.createFile(atPath: errURL.path, contents: nil, attributes: [.posixPermissions: 0o600])
        else { throw LaunchError(description: "cannot create temporary files in \(directory.path)") }
        let outHandle = try FileHandle(forWritingTo: outURL)
        let errHandle = try FileHandle(forWritingTo: errURL)
        defer {
            try? outHandle.close()
            try? errHandle.close()
        }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = outHandle
        process.standardError = errHandle

        let exitCode: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { finished in
                let signalled = finished.terminationReason == .uncaughtSignal
                continuation.resume(returning: signalled ? -1 : finished.terminationStatus)
            }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: LaunchError(description: "\(error.localizedDescription)"))
            }
        }
        let stdout = (try? Data(contentsOf: outURL)).map { [UInt8]($0) } ?? []
        let stderr = (try? Data(contentsOf: errURL)).map { [UInt8]($0) } ?? []
        return Finished(exitCode: exitCode, stdout: stdout, stderr: stderr)
    }
}
