import CCurl
import Synchronization

/// One request in flight: its easy handle and what has arrived so far.
///
/// Everything but `cancelRequested` is touched only on the engine thread (created elsewhere,
/// then handed over through the engine's inbox), hence `@unchecked Sendable`.
final class CurlTransfer: @unchecked Sendable {
    enum Delivery {
        /// `execute`: the whole response, once.
        case buffered(UnsafeContinuation<Result<HTTPResponse, TransportError>, Never>)
        /// `stream`: the head as soon as the headers ended, then body chunks.
        case streaming(UnsafeContinuation<Result<StreamingResponse, TransportError>, Never>)
    }

    let request: HTTPRequest
    var isStreaming: Bool
    /// Set by whoever cancels (any thread) before it asks the engine to abort, so that a transfer
    /// whose cancellation overtakes its submission is never started.
    let cancelRequested = Atomic<Bool>(false)
    /// Set on the engine thread just before the final result goes out, so that the stream's
    /// termination handler (called by `finish`) does not ask for a needless abort.
    let completed = Atomic<Bool>(false)
    /// A stream's head went to the caller; from then on task cancellation of `stream()` no
    /// longer concerns this transfer (the body stream has its own consumer).
    let headDelivered = Atomic<Bool>(false)

    var delivery: Delivery?
    var easy: UnsafeMutableRawPointer?
    var headerList: UnsafeMutablePointer<curl_slist>?
    var connectTo: UnsafeMutablePointer<curl_slist>?
    let errorBuffer: UnsafeMutablePointer<CChar>

    // Response state, filled by the callbacks.
    var status = 0
    var httpVersion = 1
    var headers: [(String, String)] = []
    var headComplete = false
    var body: [UInt8] = []
    var stream: AsyncThrowingStream<[UInt8], any Error>.Continuation?
    /// The consumer of a stream went away: the write callback refuses further bytes.
    var consumerGone = false
    var lastActivity: ContinuousClock.Instant = .now
    var connectionsCounted = false
    var bodyBytes = 0
    /// Asks the engine to abort this transfer; called when a stream's consumer goes away.
    var requestAbort: @Sendable () -> Void = {}
    /// Lets the engine read per-transfer info once the connection is certainly set up.
    var onHeadEnded: (CurlTransfer) -> Void = { _ in }

    init(request: HTTPRequest, streaming: Bool) {
        self.request = request
        self.isStreaming = streaming
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(to: 0)
    }

    deinit {
        errorBuffer.deallocate()
    }

    var errorMessage: String { String(cString: errorBuffer) }

    /// The idle deadline of a stream, if it has one.
    var idleDeadline: ContinuousClock.Instant? {
        guard isStreaming, let idle = request.idleTimeout else { return nil }
        return lastActivity + idle
    }

    // MARK: Callbacks (engine thread, inside curl_multi_perform)

    /// One header line including its CRLF. A blank line ends a header block; 1xx blocks
    /// (100 Continue) are skipped, and lines after the final block (trailers) are ignored.
    func receiveHeaderLine(_ bytes: UnsafeBufferPointer<UInt8>) {
        lastActivity = .now
        guard !headComplete else { return }
        var end = bytes.count
        while end > 0, bytes[end - 1] == 0x0A || bytes[end - 1] == 0x0D { end -= 1 }
        if end == 0 {
            if status >= 100 && status < 200 {
                status = 0
                headers.removeAll(keepingCapacity: true)
                return
            }
            headComplete = true
            headEnded()
            return
        }
        let line = String(decoding: UnsafeBufferPointer(rebasing: bytes[0..<end]), as: UTF8.self)
        if line.hasPrefix("HTTP/") {
            // "HTTP/1.1 200 OK" or "HTTP/2 200"
            let parts = line.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true)
            httpVersion = parts.first.map { $0.hasPrefix("HTTP/2") ? 2 : ($0.hasPrefix("HTTP/3") ? 3 : 1) } ?? 1
            status = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
            headers.removeAll(keepingCapacity: true)
            return
        }
        guard let colon = line.firstIndex(of: ":") else { return }
        let name = String(line[..<colon])
        let value = line[line.index(after: colon)...].drop { $0 == " " || $0 == "\t" }
        headers.append((name, String(value)))
    }

    /// The final header block ended: a stream hands its head and body to the caller now (a
    /// watch may send no body byte for minutes); a buffered response sizes its buffer.
    private func headEnded() {
        onHeadEnded(self)
        guard case let .streaming(continuation)? = delivery else {
            if let length = head.header("content-length").flatMap({ Int($0) }), length > 0, length < 1 << 30 {
                body.reserveCapacity(length)
            }
            return
        }
        delivery = nil
        let (bodyStream, streamContinuation) = AsyncThrowingStream.makeStream(of: [UInt8].self, throwing: (any Error).self)
        let abort = requestAbort
        streamContinuation.onTermination = { [weak self] _ in
            guard let self, !self.completed.load(ordering: .acquiring) else { return }
            abort()
        }
        stream = streamContinuation
        headDelivered.store(true, ordering: .releasing)
        continuation.resume(returning: .success(StreamingResponse(head: head, body: bodyStream)))
    }

    var head: HTTPResponseHead { HTTPResponseHead(status: status, headers: headers, httpVersion: httpVersion) }

    /// Body bytes. Returns false to make libcurl abort the transfer (the consumer is gone).
    func receiveBody(_ bytes: UnsafeRawBufferPointer) -> Bool {
        lastActivity = .now
        bodyBytes += bytes.count
        if let stream {
            if consumerGone { return false }
            if case .terminated = stream.yield(Array(bytes.bindMemory(to: UInt8.self))) {
                consumerGone = true
                return false
            }
        } else {
            body.append(contentsOf: bytes.bindMemory(to: UInt8.self))
        }
        return true
    }
}
