import Synchronization

/// Requests counted by verb and resource, so tests can assert "zero writes in steady state", and
/// the same per client (the product of its User-Agent, as a field manager is named), so a
/// benchmark can tell an operator's requests from its own and from the built-in controllers'
/// (which are counted in the totals only).
public final class RequestCounter: Sendable {
    private struct Counts {
        var total: [String: Int] = [:]
        var byClient: [String: [String: Int]] = [:]
    }

    private let counts = Mutex(Counts())

    public init() {}

    /// Counts one request; `client` is nil for the built-in controllers.
    func count(verb: String, resource: String, client: String?) {
        let key = "\(verb) \(resource)"
        counts.withLock { counts in
            counts.total[key, default: 0] += 1
            if let client { counts.byClient[client, default: [:]][key, default: 0] += 1 }
        }
    }

    /// Counts keyed `"<verb> <resource>"`, e.g. `"patch deployments"`.
    public var snapshot: [String: Int] { counts.withLock { $0.total } }

    /// The same counts by client (`modelops`, `kubectl`, `kopf`, …), built-in controllers left out.
    public var byClient: [String: [String: Int]] { counts.withLock { $0.byClient } }

    public func total(verbs: Set<String>, resource: String? = nil) -> Int {
        snapshot.reduce(0) { sum, entry in
            let parts = entry.key.split(separator: " ", maxSplits: 1).map(String.init)
            guard verbs.contains(parts[0]), resource == nil || parts.count > 1 && parts[1] == resource else { return sum }
            return sum + entry.value
        }
    }

    static let writeVerbs: Set<String> = ["create", "update", "patch", "delete", "deletecollection"]

    /// create, update, patch, delete, deletecollection.
    public var writes: Int { total(verbs: Self.writeVerbs) }

    /// Writes by clients, the built-in controllers' (the simulator's) left out: what "an operator
    /// at rest writes nothing" is about, whatever the simulated kubelet is still finishing.
    public var clientWrites: Int {
        byClient.values.reduce(0) { sum, counts in
            sum + counts.reduce(0) { $0 + (Self.writeVerbs.contains(String($1.key.prefix { $0 != " " })) ? $1.value : 0) }
        }
    }

    public func reset() { counts.withLock { $0 = Counts() } }
}
