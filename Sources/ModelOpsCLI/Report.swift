import KubeCore

/// What a command prints: the same facts as a text rendering for people and a JSON document for
/// scripts, so the two never disagree.
protocol Report: Sendable {
    func text(width: Int) -> String
    var json: JSON { get }
}
