import ArgumentParser
import Foundation
import ModelOpsCLI

/// The ModelOps command: the operator, the local playground, and the user actions (shared with
/// the kubectl plugin `kubectl-modelops` through ModelOpsCLI).
@main
struct Modelops: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "modelops",
        abstract: "ModelOps: a Kubernetes operator for serving, training and retraining ML models.",
        version: ModelOpsVersion.current,
        subcommands: [Run.self, Playground.self, CRDs.self] + UserCommands.all)

    /// A failure is ONE line on standard error (`modelops: <what went wrong>`), not the usage
    /// text: a pod's last log line, or a CI log, should say what is wrong and nothing else.
    static func main() async {
        await CommandLineMain.run(Modelops.self, prefix: "modelops")
    }
}
