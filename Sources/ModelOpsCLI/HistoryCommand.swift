import ArgumentParser

/// `modelops history NAME`.
public struct HistoryCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "List a ModelDeployment's versions (promoted, rolled back) or a RetrainPolicy's TrainingJobs.")

    @Argument(help: "NAME, mdep/NAME or rtp/NAME.")
    public var name: String

    @OptionGroup public var cluster: ClusterOptions

    public init() {}

    public mutating func run() async throws {
        try await CLISession.with(cluster, object: name, among: [.modelDeployment, .retrainPolicy], for: "history") { session, object in
            session.emit(try await HistoryReport.load(object, session: session))
        }
    }
}
