import Foundation

/// What the simulated Prometheus "scrapes": healthy model servers, whatever service and version a
/// query asks about. Series are made up on demand from the query's equality matchers
/// (`service="fraud-detector", model_version="v8"` is a server that exists because you asked),
/// with per-series rates that wobble a little over simulated time so repeated measurements differ
/// as real ones do. The families are those the examples' analysis and trigger queries use:
///
/// | series | kind | healthy value |
/// |---|---|---|
/// | `http_requests_total{code}` | counter | 120 req/s; 0.25% answered 5xx (`code` 500 or 503) |
/// | `http_request_duration_seconds_bucket{le}`, `_sum`, `_count` | histogram | log-normal, median 35 ms (±5%), p99 about 100 ms |
/// | `recommendations_served_total`, `recommendation_clicks_total` | counters | 120/s served, 3.4% clicked |
/// | `feature_drift_psi` | gauge | 0.06 (no drift) |
/// | `up` | gauge | 1 |
///
/// Any other metric name has no series, as in a Prometheus nothing exports it to: the answer is
/// an empty vector, which analysis reports as inconclusive.
struct SimulatedMetrics: Sendable {
    enum Kind: Sendable, Equatable {
        /// A counter growing at `rate` per second.
        case counter(rate: Double)
        case gauge(Double)
    }

    struct Series: Sendable, Equatable {
        var labels: [String: String]
        var kind: Kind

        /// The raw sample: a gauge's value, a counter's running total (as if it had counted
        /// since the simulated midnight).
        func value(at time: Double) -> Double {
            switch kind {
            case let .gauge(value): return value
            case let .counter(rate): return rate * (time.truncatingRemainder(dividingBy: 86_400) + 3_600)
            }
        }
    }

    static let requestsPerSecond = 120.0
    /// Share of requests per status code (5xx: 0.25%).
    static let codes: [(code: String, share: Double)] = [("200", 0.9975), ("500", 0.0015), ("503", 0.001)]
    static let latencyMedian = 0.035
    static let latencySigma = 0.45
    /// The default buckets of Prometheus client libraries.
    static let buckets: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, .infinity]
    static let clickThrough = 0.034
    static let drift = 0.06

    /// Labels that identify a server; taken from the query's equality matchers, else these.
    static let identityDefaults = ["service": "model-server", "model_version": "v1", "job": "model-server"]

    /// The series of `name` that match every matcher, at `time` (Unix seconds).
    func series(named name: String, matching matchers: [PromQL.Matcher], at time: Double) -> [Series] {
        var identity = Self.identityDefaults
        for matcher in matchers where matcher.op == .equal && matcher.label != "__name__" {
            identity[matcher.label] = matcher.value
        }
        var candidates: [Series] = []
        func add(_ extra: [String: String], _ kind: Kind) {
            var labels = identity.merging(extra) { _, new in new }
            labels["__name__"] = name
            candidates.append(Series(labels: labels, kind: wobbled(kind, labels: labels, at: time)))
        }
        let requests = Self.requestsPerSecond
        switch name {
        case "http_requests_total":
            for (code, share) in Self.codes { add(["code": code], .counter(rate: requests * share)) }
        case "http_request_duration_seconds_bucket":
            let median = Self.latencyMedian * slowness(identity, at: time)
            for le in Self.buckets {
                add(["le": le.isInfinite ? "+Inf" : Self.format(le)], .counter(rate: requests * Self.latencyShare(below: le, median: median)))
            }
        case "http_request_duration_seconds_count":
            add([:], .counter(rate: requests))
        case "http_request_duration_seconds_sum":
            let median = Self.latencyMedian * slowness(identity, at: time)
            add([:], .counter(rate: requests * median * exp(Self.latencySigma * Self.latencySigma / 2)))
        case "recommendations_served_total":
            add([:], .counter(rate: requests))
        case "recommendation_clicks_total":
            add([:], .counter(rate: requests * Self.clickThrough))
        case "feature_drift_psi":
            add([:], .gauge(Self.drift))
        case "up":
            add([:], .gauge(1))
        default:
            return []
        }
        return candidates.filter { series in matchers.allSatisfy { $0.matches(series.labels[$0.label]) } }
    }

    /// Share of requests faster than `le` seconds (log-normal CDF).
    static func latencyShare(below le: Double, median: Double = latencyMedian) -> Double {
        guard le.isFinite else { return 1 }
        let z = (log(le) - log(median)) / latencySigma
        return 0.5 * erfc(-z / Double(2).squareRoot())
    }

    /// The server's latency as a factor of the usual, varying by ±5% over simulated minutes (the
    /// buckets of one histogram move together, so its quantiles stay consistent).
    func slowness(_ identity: [String: String], at time: Double) -> Double {
        1 + 0.05 * sin(2 * Double.pi * (time / 540 + Self.phase(identity)))
    }

    static func phase(_ labels: [String: String]) -> Double {
        Double(fnv(labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")) % 1000) / 1000
    }

    /// A few percent of slow variation over simulated minutes, different per series, so ratios
    /// move a little between measurements; histogram buckets (see `slowness`) and `up` are left alone.
    func wobbled(_ kind: Kind, labels: [String: String], at time: Double) -> Kind {
        guard labels["le"] == nil, labels["__name__"] != "up" else { return kind }
        let phase = Self.phase(labels)
        let amplitude = labels["code"]?.hasPrefix("5") == true ? 0.2 : 0.03
        let factor = 1 + amplitude * sin(2 * Double.pi * (time / 420 + phase))
        switch kind {
        case let .counter(rate): return .counter(rate: rate * factor)
        case let .gauge(value): return .gauge(value * factor)
        }
    }

    /// FNV-1a, stable across runs (Swift's `Hasher` is seeded per process).
    static func fnv(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf29ce484222325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100000001b3
        }
        return hash
    }

    /// Numbers as Prometheus writes them: `120`, `0.0025`, `NaN`, `+Inf`.
    static func format(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }
}
