import Foundation

/// Evaluates the `PromQL` subset at one instant over `SimulatedMetrics`, with Prometheus's rules
/// for what it covers: functions and aggregations drop the metric name, vector-vector operators
/// match series with identical labels, `histogram_quantile` interpolates linearly inside a bucket.
struct PromQLEvaluator: Sendable {
    struct Sample: Sendable, Equatable {
        var labels: [String: String]
        var value: Double
    }

    enum Value: Sendable, Equatable {
        case scalar(Double)
        case vector([Sample])
        /// A range selector's series, for `rate` and the `*_over_time` functions.
        case matrix([SimulatedMetrics.Series], range: Double)
    }

    struct EvaluationError: Error, Sendable, CustomStringConvertible {
        var description: String
    }

    var metrics = SimulatedMetrics()
    /// Unix seconds.
    var time: Double

    func evaluate(_ expression: PromQL) throws -> Value {
        switch expression {
        case let .number(value):
            return .scalar(value)
        case let .selector(selector):
            let name = selector.name ?? selector.matchers.first { $0.label == "__name__" && $0.op == .equal }?.value
            guard let name else { throw EvaluationError(description: "the simulated Prometheus needs a metric name (or __name__=\"...\")") }
            let series = metrics.series(named: name, matching: selector.matchers, at: time)
            if let range = selector.range { return .matrix(series, range: range) }
            return .vector(series.map { Sample(labels: $0.labels, value: $0.value(at: time)) })
        case let .call(name, arguments):
            return try call(name, arguments)
        case let .aggregate(op, grouping, parameter, operand):
            if parameter != nil { throw EvaluationError(description: "\(op) takes no parameter") }
            return .vector(aggregate(op, grouping, try vector(operand, for: op)))
        case let .binary(op, lhs, rhs):
            return try binary(op, try evaluate(lhs), try evaluate(rhs))
        }
    }

    func vector(_ expression: PromQL, for context: String) throws -> [Sample] {
        switch try evaluate(expression) {
        case let .vector(samples): return samples
        case .scalar: throw EvaluationError(description: "\(context) expects an instant vector, got a scalar")
        case .matrix: throw EvaluationError(description: "\(context) expects an instant vector, got a range vector (add a function such as rate)")
        }
    }

    func call(_ name: String, _ arguments: [PromQL]) throws -> Value {
        func argument(_ index: Int) throws -> PromQL {
            guard index < arguments.count else { throw EvaluationError(description: "\(name) expects \(index + 1) argument(s)") }
            return arguments[index]
        }
        func matrix() throws -> ([SimulatedMetrics.Series], Double) {
            guard case let .matrix(series, range) = try evaluate(try argument(0)) else {
                throw EvaluationError(description: "\(name) expects a range vector such as metric[5m]")
            }
            return (series, range)
        }
        func perSeries(_ body: (SimulatedMetrics.Series, Double) -> Double) throws -> Value {
            let (series, range) = try matrix()
            return .vector(series.map { Sample(labels: Self.dropName($0.labels), value: body($0, range)) })
        }
        switch name {
        case "rate", "irate":
            return try perSeries { series, _ in if case let .counter(rate) = series.kind { rate } else { 0 } }
        case "increase":
            return try perSeries { series, range in if case let .counter(rate) = series.kind { rate * range } else { 0 } }
        case "avg_over_time", "min_over_time", "max_over_time", "last_over_time", "quantile_over_time":
            return try perSeries { series, _ in series.value(at: time) }
        case "histogram_quantile":
            guard case let .scalar(phi) = try evaluate(try argument(0)) else {
                throw EvaluationError(description: "histogram_quantile expects a number first")
            }
            return .vector(Self.histogramQuantile(phi, try vector(try argument(1), for: name)))
        case "abs", "ceil", "floor", "round", "sqrt", "exp", "ln", "log2", "log10":
            let f: (Double) -> Double = switch name {
            case "abs": { Swift.abs($0) }
            case "ceil": { $0.rounded(.up) }
            case "floor": { $0.rounded(.down) }
            case "round": { $0.rounded() }
            case "sqrt": { $0.squareRoot() }
            case "exp": { Foundation.exp($0) }
            case "ln": { Foundation.log($0) }
            case "log2": { Foundation.log2($0) }
            default: { Foundation.log10($0) }
            }
            return .vector(try vector(try argument(0), for: name).map { Sample(labels: Self.dropName($0.labels), value: f($0.value)) })
        case "clamp_min", "clamp_max":
            guard case let .scalar(bound) = try evaluate(try argument(1)) else { throw EvaluationError(description: "\(name) expects a number second") }
            return .vector(try vector(try argument(0), for: name).map {
                Sample(labels: Self.dropName($0.labels), value: name == "clamp_min" ? Swift.max($0.value, bound) : Swift.min($0.value, bound))
            })
        case "scalar":
            let samples = try vector(try argument(0), for: name)
            return .scalar(samples.count == 1 ? samples[0].value : .nan)
        case "vector":
            guard case let .scalar(value) = try evaluate(try argument(0)) else { throw EvaluationError(description: "vector expects a number") }
            return .vector([Sample(labels: [:], value: value)])
        case "time":
            return .scalar(time)
        default:
            throw EvaluationError(description: "function \(name) is not supported by the simulated Prometheus")
        }
    }

    func aggregate(_ op: String, _ grouping: PromQL.Grouping?, _ samples: [Sample]) -> [Sample] {
        var groups: [[String: String]: [Double]] = [:]
        var order: [[String: String]] = []
        for sample in samples {
            var key: [String: String]
            if let grouping, !grouping.without {
                key = sample.labels.filter { grouping.labels.contains($0.key) }
            } else if let grouping {
                key = Self.dropName(sample.labels).filter { !grouping.labels.contains($0.key) }
            } else {
                key = [:]
            }
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(sample.value)
        }
        return order.map { key in
            let values = groups[key] ?? []
            let value: Double = switch op {
            case "sum": values.reduce(0, +)
            case "avg": values.reduce(0, +) / Double(values.count)
            case "min": values.min() ?? .nan
            case "max": values.max() ?? .nan
            default: Double(values.count)
            }
            return Sample(labels: key, value: value)
        }
    }

    func binary(_ op: Character, _ lhs: Value, _ rhs: Value) throws -> Value {
        func apply(_ a: Double, _ b: Double) -> Double {
            switch op {
            case "+": a + b
            case "-": a - b
            case "*": a * b
            case "/": a / b
            case "%": a.truncatingRemainder(dividingBy: b)
            default: pow(a, b)
            }
        }
        switch (lhs, rhs) {
        case let (.scalar(a), .scalar(b)):
            return .scalar(apply(a, b))
        case let (.vector(samples), .scalar(b)):
            return .vector(samples.map { Sample(labels: Self.dropName($0.labels), value: apply($0.value, b)) })
        case let (.scalar(a), .vector(samples)):
            return .vector(samples.map { Sample(labels: Self.dropName($0.labels), value: apply(a, $0.value)) })
        case let (.vector(left), .vector(right)):
            var byLabels: [[String: String]: Double] = [:]
            for sample in right { byLabels[Self.dropName(sample.labels)] = sample.value }
            return .vector(left.compactMap { sample in
                let labels = Self.dropName(sample.labels)
                return byLabels[labels].map { Sample(labels: labels, value: apply(sample.value, $0)) }
            })
        default:
            throw EvaluationError(description: "operator \(op) needs instant vectors or numbers, got a range vector")
        }
    }

    /// Prometheus's `histogram_quantile`: per group of buckets (labels but `le`), the bucket the
    /// rank falls in, interpolated linearly; a rank in the +Inf bucket gives the highest finite bound.
    static func histogramQuantile(_ phi: Double, _ samples: [Sample]) -> [Sample] {
        var groups: [[String: String]: [(le: Double, count: Double)]] = [:]
        for sample in samples {
            guard let text = sample.labels["le"], let le = text == "+Inf" ? Double.infinity : Double(text) else { continue }
            var key = dropName(sample.labels)
            key["le"] = nil
            groups[key, default: []].append((le, sample.value))
        }
        return groups.map { key, unsorted in
            let buckets = unsorted.sorted { $0.le < $1.le }
            guard phi >= 0, phi <= 1 else { return Sample(labels: key, value: phi < 0 ? -.infinity : .infinity) }
            guard let total = buckets.last?.count, buckets.last?.le.isInfinite == true, total > 0, buckets.count >= 2 else {
                return Sample(labels: key, value: .nan)
            }
            let rank = phi * total
            let index = buckets.firstIndex { $0.count >= rank } ?? buckets.count - 1
            if index == buckets.count - 1 { return Sample(labels: key, value: buckets[buckets.count - 2].le) }
            let lower = index == 0 ? 0 : buckets[index - 1].le
            let below = index == 0 ? 0 : buckets[index - 1].count
            let inBucket = buckets[index].count - below
            let value = inBucket > 0 ? lower + (buckets[index].le - lower) * (rank - below) / inBucket : buckets[index].le
            return Sample(labels: key, value: value)
        }
        .sorted { $0.labels.description < $1.labels.description }
    }

    static func dropName(_ labels: [String: String]) -> [String: String] {
        var labels = labels
        labels["__name__"] = nil
        return labels
    }
}
