import ArgumentParser

/// The ModelOps command: the operator, the local playground, and the user actions.
@main
struct Modelops: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "modelops",
        abstract: "ModelOps: a Kubernetes operator for serving, training and retraining ML models.",
        version: ModelopsVersion.current,
        subcommands: [Playground.self, CRDs.self])
}

enum ModelopsVersion {
    static let current = "0.1.0-dev"
}
