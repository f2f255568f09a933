import KubeClient
import KubeCore
@testable import KubeRuntime
import Testing

/// The list-then-watch loop's transitions as a pure function: no server, no clock. The same
/// paths run against the test server in `InformerRecoveryTests`.
@Suite("Informer: reflector state machine")
struct ReflectorStateTests {
    static func refused(_ code: Int, _ reason: String) -> KubeError {
        .api(Status(status: "Failure", message: "refused", reason: reason, code: code))
    }

    static let gone = refused(410, "Expired")

    static func progress(_ from: String, bookmarks: [String] = [], events: [String] = []) -> ReflectorState.WatchProgress {
        var progress = ReflectorState.WatchProgress(from: from)
        for rv in bookmarks { progress.bookmark(rv) }
        for rv in events { progress.delivered(rv) }
        return progress
    }

    /// A state that has listed at `rv` and is watching from it.
    static func watching(_ rv: String = "10", absentKindRecheck: Bool = false) -> ReflectorState {
        var state = ReflectorState(absentKindRecheck: absentKindRecheck)
        _ = state.step(.listed(resourceVersion: rv))
        return state
    }

    @Test("a list is followed by a watch from its resourceVersion; a list after that counts as a relist")
    func listThenWatch() {
        var state = ReflectorState()
        #expect(state.phase == .list)
        let transition = state.step(.listed(resourceVersion: "10"))
        #expect(transition.next == .watch(from: "10") && transition.wait == .none && transition.failure == nil)
        #expect(state.phase == .watch(from: "10") && state.lists == 1)
    }

    @Test("a watch the server ends is resumed from the last event or bookmark, at once, without a relist")
    func resume() {
        var state = Self.watching()
        let afterEvents = state.step(.watchEnded(Self.progress("10", events: ["11", "12"])))
        #expect(afterEvents.next == .watch(from: "12") && afterEvents.wait == .none && afterEvents.failure == nil)
        // A bookmark after the events moves the resume point; an empty bookmark does not.
        let afterBookmark = state.step(.watchEnded(Self.progress("12", bookmarks: ["20", ""])))
        #expect(afterBookmark.next == .watch(from: "20"))
        // A watch that saw nothing resumes where it began.
        #expect(state.step(.watchEnded(Self.progress("20"))).next == .watch(from: "20"))
        #expect(state.lists == 1)
    }

    @Test("an object the type cannot read moves the resume point past it but delivers nothing")
    func skippedObject() {
        var progress = ReflectorState.WatchProgress(from: "10")
        progress.skipped("11")
        progress.skipped("")
        #expect(progress.resourceVersion == "11" && !progress.delivered)
        progress.delivered("")
        #expect(progress.resourceVersion == "11" && progress.delivered)
    }

    @Test("410 on the watch relists at once; a second 410 in a row with nothing delivered waits the backoff; an event in between resets it")
    func goneOnWatch() {
        var state = Self.watching()
        let first = state.step(.watchFailed(Self.gone, Self.progress("10")))
        #expect(first.next == .list && first.wait == .none && first.failure?.phase == .watch)
        #expect(first.recovery(after: .zero) == .relist)
        _ = state.step(.listed(resourceVersion: "30"))
        #expect(state.lists == 2)

        let second = state.step(.watchFailed(Self.gone, Self.progress("30")))
        #expect(second.next == .list && second.wait == .backoff)
        #expect(second.recovery(after: .seconds(1)) == .relistAfter(.seconds(1)))

        // A watch that delivered an event before its 410: the server is not stuck, relist at once.
        _ = state.step(.listed(resourceVersion: "40"))
        let afterEvent = state.step(.watchFailed(Self.gone, Self.progress("40", events: ["41"])))
        #expect(afterEvent.wait == .none && state.emptyGone == 0)
        // So is a watch that ended normally after delivering.
        _ = state.step(.listed(resourceVersion: "50"))
        _ = state.step(.watchFailed(Self.gone, Self.progress("50")))
        #expect(state.emptyGone == 1)
        _ = state.step(.listed(resourceVersion: "60"))
        _ = state.step(.watchEnded(Self.progress("60", events: ["61"])))
        #expect(state.emptyGone == 0)
        #expect(state.step(.watchFailed(Self.gone, Self.progress("61"))).wait == .none)
    }

    @Test("a watch refused (429, 500, 403) is retried from where it got to after the backoff or Retry-After; nothing is relisted",
          arguments: [(429, "TooManyRequests"), (500, "InternalError"), (403, "Forbidden")])
    func refusedWatch(code: Int, reason: String) {
        var state = Self.watching()
        let transition = state.step(.watchFailed(Self.refused(code, reason), Self.progress("10", events: ["14"])))
        #expect(transition.next == .watch(from: "14") && transition.wait == .backoffOrRetryAfter)
        #expect(transition.failure?.error.code == code)
        #expect(transition.recovery(after: .seconds(2)) == .rewatch(after: .seconds(2)))
        #expect(state.lists == 1)
    }

    @Test("a broken stream (transport or decoding) relists after the backoff: what was missed is unknown",
          arguments: [KubeError.transport(.idleTimeout), .transport(.other(code: 56, message: "recv failure")), .decoding("bad frame")])
    func brokenStream(error: KubeError) {
        var state = Self.watching()
        let transition = state.step(.watchFailed(error, Self.progress("10", events: ["11"])))
        #expect(transition.next == .list && transition.wait == .backoff)
        #expect(transition.recovery(after: .seconds(1)) == .relistAfter(.seconds(1)))
    }

    @Test("a failed list is retried after the backoff or Retry-After")
    func failedList() {
        var state = ReflectorState()
        let transition = state.step(.listFailed(Self.refused(500, "InternalError")))
        #expect(transition.next == .list && transition.wait == .backoffOrRetryAfter && transition.failure?.phase == .list)
        #expect(state.lists == 0)
    }

    @Test("404 on the list of a kind that may be absent: an empty cache, a recheck later, no failure; without the option 404 is a failure")
    func absentKind() {
        var state = ReflectorState(absentKindRecheck: true)
        let absent = state.step(.listFailed(Self.refused(404, "NotFound")))
        #expect(absent.next == .absent && absent.deliversEmptyList && absent.failure == nil)
        #expect(state.lists == 1)
        #expect(state.step(.recheckDue).next == .list)
        #expect(state.step(.listed(resourceVersion: "5")).next == .watch(from: "5"))

        var strict = ReflectorState()
        let failure = strict.step(.listFailed(Self.refused(404, "NotFound")))
        #expect(failure.next == .list && !failure.deliversEmptyList && failure.wait == .backoffOrRetryAfter)
    }
}
