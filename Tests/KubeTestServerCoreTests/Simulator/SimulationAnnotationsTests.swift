import KubeCore
import KubeTestServerCore
import Testing

@Suite struct SimulationAnnotationsTests {
    @Test func defaultsWithoutAnnotations() {
        let a = SimulationAnnotations([:])
        #expect(a.runSeconds == nil)
        #expect(a.exitCode == 0)
        #expect(a.failAttempts == 0)
        #expect(a.unschedulable == nil)
        #expect(!a.neverReady)
        #expect(a.outcome(attempt: 1).exitCode == 0)
    }

    @Test(arguments: [
        // (fail-attempts, exit-code, attempt, expected exit code)
        (2, 0, 1, 1), (2, 0, 2, 1), (2, 0, 3, 0), (0, 7, 1, 7), (1, 7, 1, 7), (1, 7, 2, 7),
    ])
    func attemptOutcomes(failAttempts: Int, exitCode: Int, attempt: Int, expected: Int) {
        let a = SimulationAnnotations(["sim.modelops.io/fail-attempts": .string(String(failAttempts)),
                                       "sim.modelops.io/exit-code": .string(String(exitCode))])
        #expect(a.outcome(attempt: attempt).exitCode == expected)
    }

    @Test(arguments: [(0, "Completed"), (1, "Error"), (137, "OOMKilled"), (2, "Error")])
    func terminationReasons(exitCode: Int, reason: String) {
        #expect(SimulationAnnotations([:]).reason(exitCode: exitCode) == reason)
    }

    @Test func oddValuesFallBackToDefaults() {
        let a = SimulationAnnotations([
            "sim.modelops.io/run-seconds": "soon", "sim.modelops.io/exit-code": "x", "sim.modelops.io/fail-attempts": "-3",
            "sim.modelops.io/ready-after-seconds": "-1", "sim.modelops.io/unschedulable": "false", "sim.modelops.io/never-ready": 1,
        ])
        #expect(a.runSeconds == nil)
        #expect(a.exitCode == 0)
        #expect(a.failAttempts == 0)
        #expect(a.readyAfterSeconds == nil)
        #expect(a.unschedulable == nil)
        #expect(!a.neverReady)
    }

    @Test func truncationKeepsWholeCharacters() {
        #expect(SimulationAnnotations.truncatedMessage("short") == "short")
        let ascii = String(repeating: "a", count: 5000)
        #expect(SimulationAnnotations.truncatedMessage(ascii).utf8.count == 4096)
        let emoji = String(repeating: "🙂", count: 1100)  // 4 bytes each
        #expect(SimulationAnnotations.truncatedMessage(emoji) == String(repeating: "🙂", count: 1024))
        let odd = "x" + String(repeating: "é", count: 3000)  // boundary falls inside a character
        let cut = SimulationAnnotations.truncatedMessage(odd)
        #expect(cut.utf8.count == 4095)
    }
}
