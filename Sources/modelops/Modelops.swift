import ArgumentParser
import Foundation
import ModelOpsCLI

/// The ModelOps command: the operator and the user actions (shared with the kubectl plugin
/// `kubectl-modelops` through ModelOpsCLI). The playground is its own program,
/// `modelops-playground`, so that this binary carries no test server.
@main
struct Modelops: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "modelops",
        abstract: "ModelOps: a Kubernetes operator for serving, training and retraining ML models.",
        version: ModelOpsVersion.current,
        subcommands: [Run.self, CRDs.self, PlaygroundMoved.self] + UserCommands.all)

    /// A failure is ONE line on standard error (`modelops: <what went wrong>`), not the usage
    /// text: a pod's last log line, or a CI log, should say what is wrong and nothing else.
    static func main() async {
        await CommandLineMain.run(Modelops.self, prefix: "modelops")
    }
}
