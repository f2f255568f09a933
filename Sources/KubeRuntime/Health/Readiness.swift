/// What a readiness check says: ready, or not yet and why (the reason is the body of the 500
/// answer, so `kubectl describe pod` shows it in the probe failure).
public enum Readiness: Sendable, Equatable {
    case ready
    case notReady(String)
}
