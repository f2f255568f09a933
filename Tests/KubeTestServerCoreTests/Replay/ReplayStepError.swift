/// A precondition or a write during a watch that the test server refused or never reached.
struct ReplayStepError: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) { self.description = description }
}
