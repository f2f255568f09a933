/// One way our answer differs from the recorded one: where (a path in the response, e.g.
/// `body.items[alpha].metadata.managedFields`) and how.
struct ReplayDifference: Sendable, CustomStringConvertible, Equatable {
    var path: String
    var detail: String

    var description: String { "\(path): \(detail)" }
}
