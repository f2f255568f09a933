import ArgumentParser
import KubeCore

/// The requests a server answered, by client, read from `modelops-playground
/// --request-counts-port` (the API server's `RequestCounter` served as JSON): how `firstdeploy`
/// counts the requests of an operator in another process, whatever it is written in.
struct ServerRequestCounts: Sendable {
    /// The bench's own client (`BenchCluster.clientOptions`), left out of the operator's counts.
    static let benchClient = "modelops-bench"

    let url: String

    /// Counts keyed "verb resource" (`create deployments`) by client (User-Agent product).
    func byClient() throws -> [String: [String: Int]] {
        guard let response = LoopbackHTTP.get(url), response.status == 200,
              let clients = try JSON.parse(response.body)["clients"]?.objectValue else {
            throw ValidationError("no request counts at \(url)")
        }
        return clients.mapValues { counts in (counts.objectValue ?? [:]).compactMapValues { $0.intValue.map(Int.init) } }
    }

    /// Every client's counts but the bench's, summed: the operator's (a peer may use more than one
    /// client, e.g. kopf's own and the one it creates children with).
    func operatorRequests() throws -> [String: Int] {
        Self.sum(try byClient())
    }

    static func sum(_ clients: [String: [String: Int]]) -> [String: Int] {
        var total: [String: Int] = [:]
        for (client, counts) in clients where client != benchClient {
            total.merge(counts, uniquingKeysWith: +)
        }
        return total
    }

    /// `after - before` of counters that only grow, zeros left out.
    static func delta(_ before: [String: Int], _ after: [String: Int]) -> [String: Int] {
        after.reduce(into: [:]) { result, entry in
            let change = entry.value - before[entry.key, default: 0]
            if change != 0 { result[entry.key] = change }
        }
    }
}
