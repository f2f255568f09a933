import Foundation
import Testing

/// Every exchange recorded from a real Kubernetes v1.36 API server (Fixtures/kube-golden),
/// replayed in order against a fresh test server and compared by shape (`ShapeComparison`,
/// `WatchComparison`). An exchange listed in `KnownMismatches` must differ (the table stays
/// honest: one that starts matching fails until it is removed); any other must match.
@Suite struct GoldenReplayTests {
    /// One replay shared by every test of the suite: the exchanges build on each other.
    static let replay = Task { await ReplaySession().run() }

    static func outcome(_ name: String) async -> ReplayOutcome? {
        await replay.value.first { $0.name == name }
    }

    @Test(arguments: GoldenExchange.all.map(\.name))
    func exchange(_ name: String) async throws {
        let outcome = try #require(await Self.outcome(name))
        if let known = KnownMismatches.table[outcome.number] {
            #expect(!outcome.matches, "\(name) now matches the recording: remove it from KnownMismatches (\(known.area.rawValue): \(known.reason))")
        } else {
            for difference in outcome.differences {
                Issue.record("\(name): \(difference)")
            }
        }
    }

    /// How many match, and for each that does not, why (printed for the lead); with
    /// GOLDEN_REPLAY_REPORT=<file>, every difference written there.
    @Test func summary() async {
        let outcomes = await Self.replay.value
        #expect(outcomes.count == GoldenExchange.all.count)
        #expect(Set(KnownMismatches.table.keys).isSubset(of: Set(GoldenExchange.numbers)))
        print(KnownMismatches.summary(of: outcomes))
        // Every difference of every exchange, for whoever fixes them.
        if let path = ProcessInfo.processInfo.environment["GOLDEN_REPLAY_REPORT"] {
            let report = outcomes.map { outcome in
                ([outcome.name + (outcome.matches ? ": matches" : ":")] + outcome.differences.map { "    \($0)" })
                    .joined(separator: "\n")
            }.joined(separator: "\n")
            try? Data((report + "\n").utf8).write(to: URL(fileURLWithPath: path))
        }
    }
}
