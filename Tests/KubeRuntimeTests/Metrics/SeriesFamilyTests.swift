@testable import KubeRuntime
import Testing

@Suite("SeriesFamily")
struct SeriesFamilyTests {
    func lines(_ metrics: RuntimeMetrics, _ prefix: String) -> [String] {
        String(decoding: metrics.exposition(), as: UTF8.self).split(separator: "\n").map(String.init)
            .filter { $0.hasPrefix(prefix) || $0.hasPrefix("# HELP \(prefix)") || $0.hasPrefix("# TYPE \(prefix)") }
    }

    /// Series per object come and go with their objects; the exposition has exactly the live
    /// ones, in the text format Prometheus reads (escaped label values, HELP and TYPE once).
    @Test func seriesAreSetRemovedAndExposed() {
        let metrics = RuntimeMetrics()
        let phase = metrics.family("test_phase", help: "Phase of an object\nper object", kind: .gauge)
        #expect(metrics.family("test_phase", help: "", kind: .gauge) === phase)
        #expect(lines(metrics, "test_phase").isEmpty)  // no series, no family

        phase.set([("name", "a"), ("phase", "Healthy")], to: 1)
        phase.set([("name", #"b"q\z"#), ("phase", "Pending")], to: 1)
        phase.set([("name", "a"), ("phase", "Healthy")], to: 1)
        #expect(phase.count == 2)
        let exposed = lines(metrics, "test_phase")
        #expect(exposed.first == "# HELP test_phase Phase of an object\\nper object")
        #expect(exposed.dropFirst().first == "# TYPE test_phase gauge")
        #expect(Set(exposed.dropFirst(2)) == [#"test_phase{name="a",phase="Healthy"} 1.0"#,
                                              #"test_phase{name="b\"q\\z",phase="Pending"} 1.0"#])

        phase.remove([("name", "a"), ("phase", "Healthy")])
        phase.remove([("name", "never"), ("phase", "Healthy")])
        #expect(lines(metrics, "test_phase{").count == 1)

        let total = metrics.family("test_runs_total", help: "Runs", kind: .counter)
        total.add([("result", "ok")])
        total.add([("result", "ok")], 2)
        #expect(total.value([("result", "ok")]) == 3)
        #expect(lines(metrics, "test_runs_total").contains("# TYPE test_runs_total counter"))
        #expect(lines(metrics, "test_runs_total{").first == #"test_runs_total{result="ok"} 3.0"#)
        #expect(SeriesFamily.format(.infinity) == "+Inf" && SeriesFamily.format(.nan) == "NaN")
    }
}
