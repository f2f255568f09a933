import ArgumentParser

/// How a command prints: `text` for people (a tree or a table in 100 columns), `json` for scripts
/// (one document; with `--watch`, one compact document per line).
public enum OutputFormat: String, Sendable, CaseIterable, ExpressibleByArgument {
    case text
    case json
}
