/// A bound on the work one evaluation may do, counted in macro iterations.
///
/// Kubernetes stops a rule whose runtime cost passes its limit ("operation cancelled: actual cost
/// limit exceeded"); a test server must likewise not hang on a hostile rule such as nested `map`s
/// over large lists. A reference type so that the scopes a macro creates share one count; each
/// evaluation gets its own, so it never crosses threads.
final class CELBudget {
    private(set) var remaining: Int

    /// Roughly Kubernetes' per-call limit of a million cost units.
    init(limit: Int = 1_000_000) {
        remaining = limit
    }

    /// Once exhausted, the error must not be absorbed by `&&`, `||`, `all` or `exists`.
    var exhausted: Bool { remaining < 0 }

    func spend(_ units: Int) throws(CELError) {
        remaining -= units
        if remaining < 0 { throw CELError("operation cancelled: actual cost limit exceeded") }
    }
}
