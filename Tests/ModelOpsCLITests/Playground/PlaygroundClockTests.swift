import Foundation
import Synchronization
import Testing
import TestSupport
@testable import modelops_playground

/// The playground's clock: it shows its start until the first ModelOps object, then runs `speed`
/// times faster than real time, and the operator's queue timers sleep on it.
@Suite("playground clock")
struct PlaygroundClockTests {
    static let start = Date(timeIntervalSince1970: 1_795_000_000)

    @Test("stands still until begin(); a timer set meanwhile fires after its simulated delay divided by speed")
    func holdsThenRuns() async throws {
        let clock = PlaygroundClock(speed: 600, start: Self.start)
        #expect(clock.now() == Self.start && clock.elapsed() == .zero)
        let time = clock.operatorClock.time
        let fired = Mutex<ContinuousClock.Instant?>(nil)
        // 60 simulated seconds: 0.1 s of real time at 600x, counted from begin().
        let timer = Task {
            try await time.sleepUntil(.seconds(60))
            fired.withLock { $0 = .now }
        }
        try await eventually(timeout: .seconds(20), "the timer waits for the clock") { clock.waiting == 1 }
        #expect(clock.now() == Self.start, "no time passes before begin()")
        let began = ContinuousClock.now
        #expect(clock.begin())
        #expect(!clock.begin(), "only the first begin() starts it")
        try await timer.value
        let firedAt = try #require(fired.withLock { $0 })
        #expect(firedAt - began >= .milliseconds(99), "fired \(firedAt - began) after begin()")
        #expect(clock.now() >= Self.start.addingTimeInterval(60))
        #expect(clock.operatorClock.now() >= Self.start.addingTimeInterval(60))
    }

    @Test("a timer waiting for the clock ends when its task is cancelled")
    func cancellation() async throws {
        let clock = PlaygroundClock(speed: 60, start: Self.start)
        let timer = Task { try await clock.operatorClock.time.sleep(.seconds(1)) }
        try await eventually(timeout: .seconds(20), "the timer waits") { clock.waiting == 1 }
        timer.cancel()
        await #expect(throws: CancellationError.self) { try await timer.value }
        #expect(clock.waiting == 0)
    }

    @Test("the default start is the most recent 01:29 UTC, a simulated minute before the examples' 01:30 retrain")
    func defaultStart() {
        let utc = ISO8601DateFormatter()
        #expect(PlaygroundClock.defaultStart(now: utc.date(from: "2026-11-23T09:33:21Z")!) == utc.date(from: "2026-11-23T01:29:00Z"))
        #expect(PlaygroundClock.defaultStart(now: utc.date(from: "2026-11-23T01:00:00Z")!) == utc.date(from: "2026-11-22T01:29:00Z"))
        #expect(PlaygroundClock.defaultStart(now: utc.date(from: "2026-11-23T01:29:00Z")!) == utc.date(from: "2026-11-23T01:29:00Z"))
    }

    @Test("bad --speed and --start-time values exit non-zero with one line naming the flag",
          arguments: [(["--speed", "0"], "--speed"), (["--speed=-5"], "--speed"), (["--start-time", "tomorrow"], "--start-time")])
    func badFlags(arguments: [String], flag: String) async throws {
        let (status, output) = try await OperatorProcess.run(arguments, executable: #require(Repository.playground))
        #expect(status != 0)
        #expect(output.split(separator: "\n").count == 1 && output.hasPrefix("modelops-playground: ") && output.contains(flag), "\(output)")
    }
}
