// TEMPORARY: the analysis helper's API, until branch `analysis` merges. Delete on merge.
import Foundation
import ModelOpsAPI

public struct QueryPlaceholders: Sendable, Hashable {
    public var version: String; public var stableVersion: String; public var model: String
    public var name: String; public var namespace: String
    public init(version: String, stableVersion: String, model: String, name: String, namespace: String) {
        self.version = version; self.stableVersion = stableVersion; self.model = model; self.name = name; self.namespace = namespace
    }
}
public protocol MetricMeasurer: Sendable {
    func measure(query: String, provider: MetricProvider, at time: Date) async -> AnalysisMeasurement
}
public struct PrometheusMeasurer: MetricMeasurer {
    public init(timeout: Duration = .seconds(10)) {}
    public func measure(query: String, provider: MetricProvider, at time: Date) async -> AnalysisMeasurement { AnalysisMeasurement(phase: .error) }
}
public struct AnalysisRunner: Sendable {
    public init(measurer: any MetricMeasurer) {}
    public static func start(name: String, version: String, metrics: [String]?, spec: AnalysisSpec, now: Date) -> AnalysisRunStatus {
        AnalysisRunStatus(name: name, version: version, phase: .running)
    }
    public func step(_ run: AnalysisRunStatus, spec: AnalysisSpec, placeholders: QueryPlaceholders, now: Date) async
        -> (run: AnalysisRunStatus, nextDue: Date?) { (run, nil) }
}
extension OperatorContext {
    public var measurer: any MetricMeasurer { PrometheusMeasurer() }
}
