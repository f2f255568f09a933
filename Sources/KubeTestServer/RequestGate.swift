import Synchronization

/// The requests the server is answering, so `TestAPIServer.stop()` can let them finish before
/// its event loops go away: an answer (or a watch) scheduled onto a loop that has shut down is
/// dropped with an error on stderr, once per request, in every test that stops a busy server.
final class RequestGate: Sendable {
    private struct State {
        var closed = false
        var inFlight = 0
        var drained: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())

    /// Counts a request in; false once the server is stopping (the caller answers 503 at once,
    /// as a real API server that is shutting down does).
    func enter() -> Bool {
        state.withLock { state in
            guard !state.closed else { return false }
            state.inFlight += 1
            return true
        }
    }

    /// The request's answer has been written (a watch: its stream started).
    func leave() {
        let drained = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.inFlight -= 1
            guard state.closed, state.inFlight == 0 else { return [] }
            defer { state.drained = [] }
            return state.drained
        }
        for continuation in drained { continuation.resume() }
    }

    /// Lets no new request in and returns once those already in have been answered.
    func close() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done = state.withLock { state -> Bool in
                state.closed = true
                if state.inFlight == 0 { return true }
                state.drained.append(continuation)
                return false
            }
            if done { continuation.resume() }
        }
    }
}
