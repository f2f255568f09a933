/// One evaluation of a Metric trigger's query: the value, or why there is none. A reading
/// without a value never counts as breaching (no retraining on missing data), and it ends a
/// breaching streak, since the condition must hold on consecutive evaluations.
public struct MetricReading: Sendable, Equatable {
    public var value: Double?
    /// Why there is no value (empty result, query error).
    public var message: String?

    public init(value: Double?, message: String? = nil) {
        self.value = value
        self.message = message
    }
}
