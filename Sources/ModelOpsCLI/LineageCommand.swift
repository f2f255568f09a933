import ArgumentParser

/// `modelops lineage NAME`.
public struct LineageCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "lineage",
        abstract: "Trace a served model back to its training: dataset, trainer image digest, hyperparameters.",
        discussion: """
            For a ModelDeployment: its stable (and candidate) version → the TrainingJob that produced \
            it. For a RetrainPolicy: its promoted model. For a TrainingJob: its own lineage.
            """)

    @Argument(help: "NAME, mdep/NAME, rtp/NAME or tj/NAME.")
    public var name: String

    @OptionGroup public var cluster: ClusterOptions

    public init() {}

    public mutating func run() async throws {
        try await CLISession.with(cluster, object: name, among: TargetKind.allCases, for: "lineage") { session, object in
            session.emit(try await LineageReport.load(object, session: session))
        }
    }
}
