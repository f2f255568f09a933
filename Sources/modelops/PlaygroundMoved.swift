import ArgumentParser
import ModelOpsCLI

/// `modelops playground`, as earlier releases spelled it: one line that names the program the
/// playground is now, instead of ArgumentParser's "unexpected argument" and the usage text.
struct PlaygroundMoved: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "playground", shouldDisplay: false)

    @Argument(parsing: .allUnrecognized) var arguments: [String] = []

    func run() async throws {
        throw CLIError("the playground is its own program now: run `modelops-playground` (from a clone: `swift run modelops-playground`)")
    }
}
