import ArgumentParser

/// The user actions, in the order help lists them; `modelops` and `kubectl-modelops` both
/// register exactly these.
public enum UserCommands {
    public static let all: [any ParsableCommand.Type] = [
        StatusCommand.self, PromoteCommand.self, AbortCommand.self, RetryCommand.self, RetrainCommand.self,
        LineageCommand.self, HistoryCommand.self,
    ]
}
