import ArgumentParser
import Foundation

/// `modelops status NAME [--watch]`.
public struct StatusCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show a ModelDeployment's rollout, a RetrainPolicy's runs, or a TrainingJob's result.",
        discussion: """
            NAME is looked up as a ModelDeployment, then a RetrainPolicy, then a TrainingJob; \
            mdep/NAME, rtp/NAME or tj/NAME names the kind. With --watch the status is printed again \
            each time the object changes (with -o json: one document per line).
            """)

    @Argument(help: "NAME, mdep/NAME, rtp/NAME or tj/NAME.")
    public var name: String

    @Flag(name: [.short, .long], help: "Print the status again whenever the object changes, until interrupted.")
    public var watch = false

    @OptionGroup public var cluster: ClusterOptions

    public init() {}

    public mutating func run() async throws {
        try await CLISession.with(cluster, object: name, among: TargetKind.allCases, for: "status") { session, object in
            session.emit(try await session.statusReport(for: object), compact: watch)
            if watch {
                try await StatusWatcher(session: session, kind: object.kind, name: object.name).run(from: object)
            }
        }
    }
}
