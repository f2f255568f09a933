/// HTTP for the Kubernetes client, on libcurl's multi interface.
///
/// One engine per API server: all its requests share a connection pool, and over HTTP/2 many
/// watches share one connection. A single dedicated thread runs every transfer (see
/// `CurlEventLoop`); callers await results through Swift concurrency. Cancelling the calling
/// task aborts its transfer promptly.
public final class CurlEngine: Sendable {
    private let loop: CurlEventLoop

    public init(options: TransportOptions) throws(TransportError) {
        let loop = try CurlEventLoop(options: options)
        try loop.start()
        self.loop = loop
    }

    deinit {
        loop.shutdown()
    }

    /// Sends a request and reads the whole response body. HTTP error statuses are responses.
    public func execute(_ request: HTTPRequest) async throws(TransportError) -> HTTPResponse {
        let transfer = CurlTransfer(request: request, streaming: false)
        let loop = self.loop
        let result = await withTaskCancellationHandler {
            await withUnsafeContinuation { (continuation: UnsafeContinuation<Result<HTTPResponse, TransportError>, Never>) in
                transfer.delivery = .buffered(continuation)
                if !loop.submit(transfer) {
                    transfer.delivery = nil
                    continuation.resume(returning: .failure(.cancelled))
                }
            }
        } onCancel: {
            loop.abort(transfer)
        }
        return try result.get()
    }

    /// Sends a request and returns as soon as the response headers arrived; the body streams.
    /// `request.timeout` is ignored (a watch stays open); `request.idleTimeout` bounds silence.
    public func stream(_ request: HTTPRequest) async throws(TransportError) -> StreamingResponse {
        let transfer = CurlTransfer(request: request, streaming: true)
        let loop = self.loop
        let result = await withTaskCancellationHandler {
            await withUnsafeContinuation { (continuation: UnsafeContinuation<Result<StreamingResponse, TransportError>, Never>) in
                transfer.delivery = .streaming(continuation)
                if !loop.submit(transfer) {
                    transfer.delivery = nil
                    continuation.resume(returning: .failure(.cancelled))
                }
            }
        } onCancel: {
            // Only aborts while waiting for the head; afterwards the body stream's own
            // termination (consumer cancelled or gone) aborts the transfer.
            if !transfer.headDelivered.load(ordering: .acquiring) { loop.abort(transfer) }
        }
        return try result.get()
    }

    /// Stops the engine thread: every pending and running transfer fails with `.cancelled`,
    /// later calls fail at once. Called by deinit; safe to call more than once.
    public func shutdown() {
        loop.shutdown()
    }

    public var stats: TransportStats { loop.stats }
}
