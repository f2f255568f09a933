import Foundation
import KubeCore

/// The small renderings every report shares: times, ages, metric maps, conditions.
enum Format {
    /// "2026-11-23T10:15:02Z (3m ago)" or "(in 14h)"; "-" when unknown.
    static func time(_ time: KubeTime?, now: Date) -> String {
        guard let time else { return "-" }
        let delta = now.timeIntervalSince(time.date)
        if abs(delta) < 1 { return "\(time.rfc3339) (now)" }
        return delta >= 0 ? "\(time.rfc3339) (\(age(delta)) ago)" : "\(time.rfc3339) (in \(age(-delta)))"
    }

    /// kubectl's ages: 45s, 3m10s, 5h2m, 4d3h.
    static func age(_ seconds: TimeInterval) -> String {
        let s = Int(seconds.rounded(.down))
        if s < 60 { return "\(s)s" }
        if s < 3600 { return s % 60 == 0 || s >= 600 ? "\(s / 60)m" : "\(s / 60)m\(s % 60)s" }
        if s < 86_400 { return (s % 3600) / 60 == 0 ? "\(s / 3600)h" : "\(s / 3600)h\((s % 3600) / 60)m" }
        return (s % 86_400) / 3600 == 0 ? "\(s / 86_400)d" : "\(s / 86_400)d\((s % 86_400) / 3600)h"
    }

    /// Duration between two times, "-" when either is missing.
    static func duration(from start: KubeTime?, to end: KubeTime?) -> String {
        guard let start, let end else { return "-" }
        return age(TimeInterval(end.seconds(since: start)))
    }

    /// "accuracy=0.93 auc=0.97", sorted by name.
    static func metrics(_ metrics: [String: Double]?) -> String {
        guard let metrics, !metrics.isEmpty else { return "-" }
        return metrics.keys.sorted().map { "\($0)=\(number(metrics[$0]!))" }.joined(separator: " ")
    }

    /// A number as people write it: 0.93, 12, 1.5e-05.
    static func number(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }

    /// "name=value, …" sorted by name.
    static func pairs(_ map: [String: String]?) -> String {
        guard let map, !map.isEmpty else { return "-" }
        return map.keys.sorted().map { "\($0)=\(map[$0]!)" }.joined(separator: ", ")
    }

    /// One condition as a tree line: "Ready  True  AllReplicasReady: 3/3 pods of v1 ready".
    static func condition(_ condition: Condition, typeWidth: Int) -> String {
        let type = condition.type.padding(toLength: typeWidth, withPad: " ", startingAt: 0)
        let status = condition.status.rawValue.padding(toLength: 7, withPad: " ", startingAt: 0)
        return "\(type)  \(status)\(condition.reason)\(condition.message.isEmpty ? "" : ": \(condition.message)")"
    }

    static func conditionsTree(_ conditions: [Condition]?) -> TextTree? {
        guard let conditions, !conditions.isEmpty else { return nil }
        let width = conditions.map(\.type.count).max() ?? 0
        return TextTree("conditions", conditions.map { TextTree(condition($0, typeWidth: width)) })
    }

    /// Conditions for `-o json`: what kubectl shows, without observedGeneration noise.
    static func conditionsJSON(_ conditions: [Condition]?) -> JSON {
        .array((conditions ?? []).map { c in
            ["type": .string(c.type), "status": .string(c.status.rawValue), "reason": .string(c.reason),
             "message": .string(c.message), "lastTransitionTime": .string(c.lastTransitionTime.rfc3339)]
        })
    }

    static func string(_ value: String?) -> JSON { value.map { .string($0) } ?? .null }
    static func int(_ value: Int?) -> JSON { value.map { .int(Int64($0)) } ?? .null }
    static func int64(_ value: Int64?) -> JSON { value.map { .int($0) } ?? .null }
    static func time(_ value: KubeTime?) -> JSON { value.map { .string($0.rfc3339) } ?? .null }
    static func encoded(_ value: (some Encodable)?) -> JSON {
        guard let value else { return .null }
        return (try? JSON(encoding: value)) ?? .null
    }
    static func metricsJSON(_ metrics: [String: Double]?) -> JSON {
        guard let metrics else { return .null }
        return .object(metrics.mapValues { .double($0) })
    }
}
