import ArgumentParser
import ModelOpsCLI

/// `kubectl modelops …`: the user actions of `modelops` as a kubectl plugin. kubectl runs any
/// `kubectl-modelops` on PATH for `kubectl modelops`, passing the remaining arguments (flags go
/// after the command: `kubectl modelops status churn -n ml`).
@main
struct KubectlModelops: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kubectl modelops",
        abstract: "ModelOps actions: status, promote, abort, retry, retrain, lineage, history.",
        subcommands: UserCommands.all)

    static func main() async {
        await CommandLineMain.run(KubectlModelops.self, prefix: "modelops")
    }
}
