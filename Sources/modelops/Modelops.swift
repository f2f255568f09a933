import ArgumentParser
import Foundation

/// The ModelOps command: the operator, the local playground, and the user actions.
@main
struct Modelops: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "modelops",
        abstract: "ModelOps: a Kubernetes operator for serving, training and retraining ML models.",
        version: ModelOpsVersion.current,
        subcommands: [Run.self, Playground.self, CRDs.self])

    /// ArgumentParser's own `main`, except that a failure is ONE line on standard error
    /// (`modelops: <what went wrong>`), not the usage text: a pod's last log line, or a CI log,
    /// should say what is wrong and nothing else. `--help` and `--version` print as usual.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var command = command as? any AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch {
            let code = exitCode(for: error)
            if code == .success { exit(withError: error) }
            let message = message(for: error)
                .split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty }.joined(separator: " ")
            FileHandle.standardError.write(Data("modelops: \(message)\n".utf8))
            Foundation.exit(code.rawValue)
        }
    }
}
