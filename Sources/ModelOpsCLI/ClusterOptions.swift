import ArgumentParser

/// The flags every user action takes, named as kubectl names them so that `kubectl modelops …`
/// reads like any other kubectl command.
public struct ClusterOptions: ParsableArguments, Sendable {
    @Option(help: ArgumentHelp("Path to the kubeconfig file (default: $KUBECONFIG, else ~/.kube/config).", valueName: "path"))
    public var kubeconfig: String?

    @Option(help: ArgumentHelp("The kubeconfig context to use (default: its current context).", valueName: "name"))
    public var context: String?

    @Option(name: [.short, .long],
            help: ArgumentHelp("Namespace of the object (default: the context's namespace, else \"default\").", valueName: "namespace"))
    public var namespace: String?

    @Option(name: [.short, .long], help: "Output format: text or json.")
    public var output: OutputFormat = .text

    public init() {}
}
