import ModelOpsAPI

/// Judges one value against a metric's `successCondition` and `thresholdRange`: both must hold
/// when both are given; with neither, any value is a success (the metric then only checks that
/// there is data).
struct MeasurementJudge: Sendable {
    let metric: AnalysisMetric
    let condition: Result<ConditionExpression, ConditionExpression.ParseError>?

    init(metric: AnalysisMetric) {
        self.metric = metric
        condition = metric.successCondition.map { source in
            Result { () throws(ConditionExpression.ParseError) in try ConditionExpression(source) }
        }
    }

    /// The measurement with its final phase: a measurer's `.successful` value becomes Failed when it
    /// misses a criterion, and Error when the condition does not parse.
    func judge(_ measurement: AnalysisMeasurement) -> AnalysisMeasurement {
        guard measurement.phase == .successful, let value = measurement.value else { return measurement }
        var judged = measurement
        if case let .failure(error)? = condition {
            judged.phase = .error
            judged.message = "successCondition \"\(metric.successCondition ?? "")\": \(error.message)"
            return judged
        }
        let missed = missedCriteria(value)
        judged.phase = missed.isEmpty ? .successful : .failed
        judged.message = missed.isEmpty ? nil : "value \(ConditionFormat.number(value)) fails \(missed.joined(separator: " and "))"
        return judged
    }

    /// The criteria `value` misses, as a message shows them.
    func missedCriteria(_ value: Double) -> [String] {
        var missed: [String] = []
        if case let .success(expression)? = condition, !expression.evaluate(result: value) {
            missed.append("\"\(expression.source)\"")
        }
        if let range = metric.thresholdRange {
            if let min = range.min, !(value >= min) { missed.append("thresholdRange min \(ConditionFormat.number(min))") }
            if let max = range.max, !(value <= max) { missed.append("thresholdRange max \(ConditionFormat.number(max))") }
        }
        return missed
    }
}
