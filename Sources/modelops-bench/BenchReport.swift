import ArgumentParser
import Foundation
import KubeCore

/// Helpers every operator scenario uses to wait, tell progress and assemble its one JSON object.
struct BenchReport {
    /// Fields in print order is not something JSON keeps; keys are sorted by the serializer.
    var fields: [String: JSON] = [:]

    init(scenario: String, objects: Int, cluster: BenchCluster) {
        fields["scenario"] = .string(scenario)
        fields["objects"] = .int(Int64(objects))
        fields["cluster"] = .string(cluster.server == nil ? "kubeconfig" : "in-process test server")
    }

    subscript(key: String) -> JSON? {
        get { fields[key] }
        set { fields[key] = newValue }
    }

    /// Requests the in-process server answered between two counter snapshots: by verb, and the
    /// writes by "verb resource". Nothing against a real cluster (the operator's own count is
    /// reported there).
    mutating func apiRequests(from before: [String: Int]?, to after: [String: Int]?, key: String = "apiRequests") {
        guard let before, let after else { fields[key] = .null; return }
        var byVerb: [String: Int] = [:]
        var writes: [String: Int] = [:]
        for (name, count) in after {
            let delta = count - before[name, default: 0]
            guard delta > 0 else { continue }
            let verb = String(name.split(separator: " ").first ?? "")
            byVerb[verb, default: 0] += delta
            if Self.writeVerbs.contains(verb) { writes[name] = delta }
        }
        fields[key] = .object(byVerb.mapValues { .int(Int64($0)) })
        fields[key + "Writes"] = .object(writes.mapValues { .int(Int64($0)) })
    }

    static let writeVerbs: Set<String> = ["create", "update", "patch", "delete", "deletecollection"]

    /// Sum of the write verbs between two counter snapshots.
    static func writes(from before: [String: Int]?, to after: [String: Int]?) -> Int? {
        guard let before, let after else { return nil }
        return after.reduce(0) { sum, entry in
            let verb = String(entry.key.split(separator: " ").first ?? "")
            return writeVerbs.contains(verb) ? sum + entry.value - before[entry.key, default: 0] : sum
        }
    }

    mutating func operatorRequests(_ op: OperatorUnderTest, since before: [String: Int] = [:]) {
        var delta: [String: JSON] = [:]
        for (method, count) in op.requestsByMethod where count - before[method, default: 0] > 0 {
            delta[method] = .int(Int64(count - before[method, default: 0]))
        }
        fields["operatorRequests"] = .object(delta)
        fields["operatorConflicts"] = .int(Int64(op.conflicts))
    }

    func print() {
        Swift.print(JSON.object(fields).prettyString())
    }

    // MARK: Values

    static func round(_ value: Double, _ places: Double = 1000) -> JSON { .double((value * places).rounded() / places) }

    /// p50, p99 and max of millisecond values, with their count.
    static func percentiles(_ values: [Double]) -> JSON { APIServerBench.percentiles(values) }
}

/// Progress lines on standard error (silenced by `--json`).
struct Progress: Sendable {
    let quiet: Bool
    let start = ContinuousClock.now

    func say(_ line: String) {
        guard !quiet else { return }
        let elapsed = (ContinuousClock.now - start).seconds
        FileHandle.standardError.write(Data(("[" + String(format: "%7.1f", elapsed) + "s] " + line + "\n").utf8))
    }
}

/// Waits (polling every `every`) until `condition` holds; throws naming `what` after `timeout`
/// seconds. `status` is printed with the timeout to say how far it got.
func waitUntil(_ what: String, timeout: Double, every: Duration = .milliseconds(20), progress: Progress? = nil,
               status: () -> String = { "" }, _ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + .milliseconds(Int64(timeout * 1000))
    var lastReport = ContinuousClock.now
    while try await !condition() {
        if ContinuousClock.now > deadline {
            throw ValidationError("timed out after \(Int(timeout)) s waiting for \(what) \(status())")
        }
        if let progress, ContinuousClock.now - lastReport > .seconds(10) {
            progress.say("waiting for \(what) \(status())")
            lastReport = .now
        }
        try await Task.sleep(for: every)
    }
}

extension BenchReport {
    /// How the measured operator ran.
    mutating func settings(_ options: OperatorBenchOptions) {
        fields["operator"] = [
            "qps": .double(options.qps), "burst": .int(Int64(options.burst)), "workers": .int(Int64(options.workers)),
            "streamingLists": .bool(options.streamingLists),
        ]
    }
}
