import Foundation

/// How the user invoked us, for the "follow it with …" hints: `kubectl modelops` when run as the
/// plugin (kubectl executes `kubectl-modelops`), otherwise `modelops`.
enum Program {
    static var invocation: String {
        let base = URL(fileURLWithPath: CommandLine.arguments.first ?? "modelops").lastPathComponent
        return base.hasPrefix("kubectl-") ? "kubectl " + String(base.dropFirst("kubectl-".count)) : "modelops"
    }
}
