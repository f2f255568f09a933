import ArgumentParser
import Foundation

/// ArgumentParser's own `main`, except that a failure is ONE line on standard error
/// (`modelops: <what went wrong>`), not the usage text: a pod's last log line, a CI log or a
/// script's stderr should say what is wrong and nothing else. `--help` and `--version` print as
/// usual. Shared by `modelops` and `kubectl-modelops`.
public enum CommandLineMain {
    public static func run<Root: ParsableCommand>(_ root: Root.Type, prefix: String = "modelops") async -> Never {
        do {
            var command = try Root.parseAsRoot()
            if var command = command as? any AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
            exit(0)
        } catch {
            let code = Root.exitCode(for: error)
            if code == .success { Root.exit(withError: error) }
            let message = Root.message(for: error)
                .split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty }.joined(separator: " ")
            FileHandle.standardError.write(Data("\(prefix): \(message)\n".utf8))
            exit(code.rawValue)
        }
    }
}
