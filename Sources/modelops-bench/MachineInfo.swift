import Foundation
import KubeCore

/// What a measurement ran on, for reports compared across runs: cores, the CPU model and the
/// load average (other work on a shared machine shows there).
enum MachineInfo {
    static var cpuModel: String {
        let text = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let line = text.split(separator: "\n").first { $0.hasPrefix("model name") }
        return line.flatMap { $0.split(separator: ":", maxSplits: 1).last }.map { $0.trimmingCharacters(in: .whitespaces) } ?? "unknown"
    }

    /// The 1, 5 and 15 minute load averages.
    static var loadAverage: JSON {
        let text = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? ""
        return .array(text.split(separator: " ").prefix(3).compactMap { Double($0) }.map { .double($0) })
    }

    static func describe(loadBefore: JSON) -> JSON {
        [
            "nproc": .int(Int64(ProcessInfo.processInfo.activeProcessorCount)),
            "cpuModel": .string(cpuModel),
            "loadAverageBefore": loadBefore,
            "loadAverageAfter": loadAverage,
        ]
    }
}
