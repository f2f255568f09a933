import KubeClient
import Synchronization

/// Runs `body` but stops waiting for it after `timeout` (measured on `time`; nil: no limit) or
/// when the calling task is cancelled, returning nil then.
///
/// Why not a task group: a group waits for every child before it returns, so a request stuck in
/// a transport that is slow to notice cancellation would hold the caller past its deadline. Leader
/// election must give up leadership at the renew deadline whatever the network does, so the
/// work runs in an unstructured task that is cancelled and abandoned.
func withDeadline<T: Sendable>(_ timeout: Duration?, time: TimeSource,
                               _ body: @escaping @Sendable () async -> T) async -> T? {
    let gate = OneShot<T?>()
    return await withTaskCancellationHandler {
        await withCheckedContinuation { (continuation: CheckedContinuation<T?, Never>) in
            gate.arm(continuation)
            let work = Task {
                let value = await body()
                gate.resume(value)
            }
            let timer = Task {
                guard let timeout else { return }
                do {
                    try await time.sleep(timeout)
                } catch {
                    return
                }
                gate.resume(nil)
                work.cancel()
            }
            gate.onFinish { work.cancel(); timer.cancel() }
        }
    } onCancel: {
        gate.resume(nil)
    }
}

/// A continuation resumed by whichever party comes first; later resumes are ignored.
final class OneShot<T: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<T, Never>?
        var early: T?
        var done = false
        var finish: (@Sendable () -> Void)?
    }

    private let state = Mutex(State())

    func arm(_ continuation: CheckedContinuation<T, Never>) {
        let early: T? = state.withLock { state in
            if state.done, let value = state.early {
                state.early = nil
                return value
            }
            state.continuation = continuation
            return nil
        }
        if let early { continuation.resume(returning: early) }
    }

    func onFinish(_ action: @escaping @Sendable () -> Void) {
        let runNow = state.withLock { state -> Bool in
            if state.done { return true }
            state.finish = action
            return false
        }
        if runNow { action() }
    }

    func resume(_ value: T) {
        let (continuation, finish): (CheckedContinuation<T, Never>?, (@Sendable () -> Void)?) = state.withLock { state in
            guard !state.done else { return (nil, nil) }
            state.done = true
            let continuation = state.continuation
            state.continuation = nil
            if continuation == nil { state.early = value }
            let finish = state.finish
            state.finish = nil
            return (continuation, finish)
        }
        continuation?.resume(returning: value)
        finish?()
    }
}
