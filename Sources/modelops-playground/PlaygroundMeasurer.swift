import Foundation
import ModelOpsAPI
import ModelOpsControllers

/// The playground operator's measurer: `PrometheusMeasurer` sending every query to the simulated
/// Prometheus, whatever address the ModelDeployment's `spec.analysis.provider` (or a trigger's
/// provider) names.
///
/// Why here and not by rewriting the address: the examples name the Prometheus of a real cluster
/// (`http://prometheus.monitoring:9090`) and must stay copy-paste ready for one, and the operator
/// never rewrites the spec of user objects. `OperatorContext.measurer` is the one seam through
/// which measurements are taken, so swapping it redirects analysis and metric triggers alike, and
/// the queries still travel the production path (placeholders rendered by the controllers, URL
/// encoding, HTTP through the client's libcurl engine, Prometheus's JSON decoded).
struct PlaygroundMeasurer: MetricMeasurer {
    let address: String
    var base = PrometheusMeasurer()

    func measure(query: String, provider: MetricProvider, at time: Date) async -> AnalysisMeasurement {
        await base.measure(query: query, provider: MetricProvider(prometheus: .init(address: address)), at: time)
    }
}
