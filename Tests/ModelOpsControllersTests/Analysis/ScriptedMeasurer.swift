import Foundation
import ModelOpsAPI
import ModelOpsControllers
import Synchronization

/// A measurer that answers from a script per query, and records every call, for testing the
/// runner's verdicts without a Prometheus.
final class ScriptedMeasurer: MetricMeasurer {
    enum Answer: Sendable {
        case value(Double)
        case noData
        case error(String)

        var measurement: AnalysisMeasurement {
            switch self {
            case let .value(v): return AnalysisMeasurement(phase: .successful, value: v)
            case .noData: return AnalysisMeasurement(phase: .inconclusive, message: "the query returned no data")
            case let .error(message): return AnalysisMeasurement(phase: .error, message: message)
            }
        }
    }

    struct Call: Sendable, Equatable {
        var query: String
        var time: Date
    }

    private struct State {
        var scripts: [String: [Answer]]
        var calls: [Call] = []
    }

    private let state: Mutex<State>

    /// `scripts` maps a rendered query to its answers, in order.
    init(_ scripts: [String: [Answer]]) {
        state = Mutex(State(scripts: scripts))
    }

    var calls: [Call] { state.withLock { $0.calls } }

    func measure(query: String, provider: MetricProvider, at time: Date) async -> AnalysisMeasurement {
        state.withLock { state in
            state.calls.append(Call(query: query, time: time))
            guard var answers = state.scripts[query], !answers.isEmpty else {
                return AnalysisMeasurement(phase: .error, message: "script has no answer left for \(query)")
            }
            let answer = answers.removeFirst()
            state.scripts[query] = answers
            return answer.measurement
        }
    }
}
