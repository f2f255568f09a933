import CCurl
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The one thread that owns a libcurl multi handle and drives every transfer of an engine.
///
/// Other threads never touch libcurl (except `curl_multi_wakeup`, which is thread-safe); they
/// put work in the inbox and wake the thread. The thread sleeps in `curl_multi_poll` until a
/// socket is ready, a libcurl timer or one of our deadlines (stream idle timeout, keepalive)
/// is due, or it is woken: no busy loop, and one thread however many watches are open.
final class CurlEventLoop: @unchecked Sendable {
    private struct Inbox {
        var starts: [CurlTransfer] = []
        var aborts: [CurlTransfer] = []
        var stopRequested = false
        /// The multi handle is gone: no more wakeups, new work fails at once.
        var stopped = false
    }

    private let multi: UnsafeMutableRawPointer
    private let options: TransportOptions
    private let inbox = Mutex(Inbox())
    private let statsBox = Mutex(TransportStats())
    private let threadState = Mutex<(thread: pthread_t?, joined: Bool)>((nil, false))

    // Engine-thread state.
    private var active: [ObjectIdentifier: CurlTransfer] = [:]
    private var nextUpkeep: ContinuousClock.Instant = .now
    /// TLS material in memory that outlives every easy handle (CURL_BLOB_NOCOPY), freed after
    /// the multi handle and its connection pool are gone.
    private let caBlob: UnsafeMutableRawBufferPointer?
    private let certBlob: UnsafeMutableRawBufferPointer?
    private let keyBlob: UnsafeMutableRawBufferPointer?

    init(options: TransportOptions) throws(TransportError) {
        CurlGlobal.ensureInitialized()
        guard let multi = curl_multi_init() else {
            throw .other(code: -1, message: "curl_multi_init failed")
        }
        self.multi = multi
        self.options = options
        caBlob = Self.copy(options.tls.caPEM)
        certBlob = Self.copy(options.tls.clientCertificatePEM)
        keyBlob = Self.copy(options.tls.clientKeyPEM)
        // Many watches on one connection: multiplex HTTP/2 streams (the default since 7.62, made explicit).
        _ = ccurl_multi_setopt_long(multi, CURLMOPT_PIPELINING, Int(CURLPIPE_MULTIPLEX))
    }

    deinit {
        caBlob?.deallocate()
        certBlob?.deallocate()
        keyBlob?.deallocate()
    }

    private static func copy(_ bytes: [UInt8]?) -> UnsafeMutableRawBufferPointer? {
        guard let bytes, !bytes.isEmpty else { return nil }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes.count, alignment: 1)
        buffer.copyBytes(from: bytes)
        return buffer
    }

    var stats: TransportStats { statsBox.withLock { $0 } }

    // MARK: Any thread

    func start() throws(TransportError) {
        let retained = Unmanaged.passRetained(self).toOpaque()
        #if canImport(Darwin)
        var thread: pthread_t?  // not built on Darwin so far
        #else
        var thread = pthread_t()
        #endif
        let result = pthread_create(&thread, nil, { argument in
            #if canImport(Darwin)
            let loop = Unmanaged<CurlEventLoop>.fromOpaque(argument).takeRetainedValue()
            #else
            guard let argument else { return nil }
            let loop = Unmanaged<CurlEventLoop>.fromOpaque(argument).takeRetainedValue()
            #endif
            loop.run()
            return nil
        }, retained)
        guard result == 0 else {
            Unmanaged<CurlEventLoop>.fromOpaque(retained).release()
            curl_multi_cleanup(multi)
            throw .other(code: -2, message: "could not start the transport thread (error \(result))")
        }
        threadState.withLock { $0.thread = thread }
    }

    /// Hands a transfer to the engine thread; false when the engine has stopped.
    func submit(_ transfer: CurlTransfer) -> Bool {
        inbox.withLock { inbox in
            guard !inbox.stopped, !inbox.stopRequested else { return false }
            inbox.starts.append(transfer)
            curl_multi_wakeup(multi)
            return true
        }
    }

    /// Asks the engine thread to abort a transfer with `.cancelled`; a no-op once it finished.
    func abort(_ transfer: CurlTransfer) {
        transfer.cancelRequested.store(true, ordering: .releasing)
        inbox.withLock { inbox in
            guard !inbox.stopped else { return }
            inbox.aborts.append(transfer)
            curl_multi_wakeup(multi)
        }
    }

    /// Stops the thread after failing all pending work with `.cancelled`, and waits for it to exit.
    func shutdown() {
        inbox.withLock { inbox in
            guard !inbox.stopped, !inbox.stopRequested else { return }
            inbox.stopRequested = true
            curl_multi_wakeup(multi)
        }
        let thread: pthread_t? = threadState.withLock { state in
            guard !state.joined, let thread = state.thread else { return nil }
            state.joined = true
            return thread
        }
        guard let thread else { return }
        if pthread_equal(thread, pthread_self()) != 0 {
            pthread_detach(thread)
        } else {
            pthread_join(thread, nil)
        }
    }

    // MARK: Engine thread

    private func run() {
        if let interval = options.keepAlivePing { nextUpkeep = .now + interval }
        while true {
            let (starts, aborts, stop) = inbox.withLock { inbox in
                defer { inbox.starts.removeAll(); inbox.aborts.removeAll() }
                return (inbox.starts, inbox.aborts, inbox.stopRequested)
            }
            if stop { break }
            for transfer in aborts { abortActive(transfer, with: .cancelled) }
            for transfer in starts { begin(transfer) }

            var running: Int32 = 0
            curl_multi_perform(multi, &running)
            collectFinished()

            let now = ContinuousClock.now
            let deadline = expireIdleStreams(now: now)
            keepConnectionsAlive(now: now)

            var waitMs = 60_000
            if let deadline { waitMs = min(waitMs, (deadline - now).curlMilliseconds) }
            if options.keepAlivePing != nil, !active.isEmpty { waitMs = min(waitMs, (nextUpkeep - now).curlMilliseconds) }
            curl_multi_poll(multi, nil, 0, Int32(clamping: max(waitMs, 0)), nil)
        }
        tearDown()
    }

    private func tearDown() {
        let leftovers = inbox.withLock { inbox in
            inbox.stopped = true
            defer { inbox.starts.removeAll(); inbox.aborts.removeAll() }
            return inbox.starts
        }
        for transfer in leftovers { finish(transfer, .failure(.cancelled)) }
        for transfer in Array(active.values) { abortActive(transfer, with: .cancelled) }
        curl_multi_cleanup(multi)
    }

    private func begin(_ transfer: CurlTransfer) {
        statsBox.withLock { $0.transfersStarted += 1 }
        if transfer.cancelRequested.load(ordering: .acquiring) {
            finish(transfer, .failure(.cancelled))
            return
        }
        guard let easy = curl_easy_init() else {
            finish(transfer, .failure(.other(code: -1, message: "curl_easy_init failed")))
            return
        }
        transfer.easy = easy
        transfer.lastActivity = .now
        transfer.requestAbort = { [weak self, weak transfer] in
            guard let self, let transfer else { return }
            self.abort(transfer)
        }
        // Counted when the head arrives, so that a test sees open watches' connections.
        transfer.onHeadEnded = { [unowned self] transfer in self.countConnections(transfer) }
        let configured = CurlEasyConfigurator(options: options, caBlob: caBlob, certBlob: certBlob, keyBlob: keyBlob)
            .configure(easy, for: transfer)
        if let error = configured {
            detach(transfer)
            finish(transfer, .failure(error))
            return
        }
        let code = curl_multi_add_handle(multi, easy)
        guard code == CURLM_OK else {
            detach(transfer)
            finish(transfer, .failure(.other(code: -Int(code.rawValue), message: String(cString: curl_multi_strerror(code)))))
            return
        }
        active[ObjectIdentifier(transfer)] = transfer
    }

    private func collectFinished() {
        var remaining: Int32 = 0
        while let message = curl_multi_info_read(multi, &remaining) {
            guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle else { continue }
            let code = message.pointee.data.result
            var privateData: UnsafeMutableRawPointer?
            ccurl_easy_getinfo_pointer(easy, CURLINFO_PRIVATE, &privateData)
            guard let privateData else { continue }
            let transfer = Unmanaged<CurlTransfer>.fromOpaque(privateData).takeUnretainedValue()
            guard active[ObjectIdentifier(transfer)] != nil else { continue }
            if code == CURLE_OK {
                detach(transfer)
                finish(transfer, .success(()))
            } else {
                var pretransfer: curl_off_t = 0
                ccurl_easy_getinfo_off_t(easy, CURLINFO_PRETRANSFER_TIME_T, &pretransfer)
                var connectStatus = 0
                ccurl_easy_getinfo_long(easy, CURLINFO_HTTP_CONNECTCODE, &connectStatus)
                let error = transfer.consumerGone
                    ? TransportError.cancelled
                    : TransportError(curlCode: code, message: transfer.errorMessage, requestSent: pretransfer > 0,
                                     viaProxy: options.proxyURL != nil, proxyConnectStatus: connectStatus)
                detach(transfer)
                finish(transfer, .failure(error))
            }
        }
    }

    /// Fails streams that received nothing for their idle timeout; returns the next idle deadline.
    private func expireIdleStreams(now: ContinuousClock.Instant) -> ContinuousClock.Instant? {
        var next: ContinuousClock.Instant?
        for transfer in active.values {
            guard let deadline = transfer.idleDeadline else { continue }
            if deadline <= now {
                abortActive(transfer, with: .idleTimeout)
            } else if next.map({ deadline < $0 }) ?? true {
                next = deadline
            }
        }
        return next
    }

    /// Connection upkeep (HTTP/2 PING) every `keepAlivePing`. libcurl 7.x only upkeeps the
    /// connection pool of `curl_easy_perform`, so there this is a no-op and TCP keepalive (set
    /// per handle) does the work; libcurl 8 upkeeps the multi handle's pool through any handle in it.
    private func keepConnectionsAlive(now: ContinuousClock.Instant) {
        guard let interval = options.keepAlivePing, now >= nextUpkeep else { return }
        nextUpkeep = now + interval
        if let easy = active.values.first?.easy { curl_easy_upkeep(easy) }
    }

    private func abortActive(_ transfer: CurlTransfer, with error: TransportError) {
        guard active[ObjectIdentifier(transfer)] != nil else { return }
        detach(transfer)
        finish(transfer, .failure(error))
    }

    /// Takes the handle out of the multi (resets an HTTP/2 stream, keeps the connection) and frees it.
    private func detach(_ transfer: CurlTransfer) {
        active[ObjectIdentifier(transfer)] = nil
        guard let easy = transfer.easy else { return }
        countConnections(transfer)
        curl_multi_remove_handle(multi, easy)
        curl_easy_cleanup(easy)
        transfer.easy = nil
        curl_slist_free_all(transfer.headerList)
        curl_slist_free_all(transfer.connectTo)
        transfer.headerList = nil
        transfer.connectTo = nil
    }

    private func countConnections(_ transfer: CurlTransfer) {
        guard !transfer.connectionsCounted, let easy = transfer.easy else { return }
        transfer.connectionsCounted = true
        var connects = 0
        ccurl_easy_getinfo_long(easy, CURLINFO_NUM_CONNECTS, &connects)
        statsBox.withLock { $0.connectionsOpened += connects }
    }

    /// Delivers the outcome exactly once.
    private func finish(_ transfer: CurlTransfer, _ outcome: Result<Void, TransportError>) {
        transfer.completed.store(true, ordering: .releasing)
        let bodyBytes = transfer.bodyBytes
        statsBox.withLock { $0.transfersFinished += 1; $0.bodyBytesReceived += bodyBytes }
        if let stream = transfer.stream {
            transfer.stream = nil
            switch outcome {
            case .success: stream.finish()
            case let .failure(error): stream.finish(throwing: error)
            }
            return
        }
        switch (transfer.delivery, outcome) {
        case let (.buffered(continuation)?, .success):
            let body = transfer.body
            transfer.body = []
            continuation.resume(returning: .success(HTTPResponse(head: transfer.head, body: body)))
        case let (.buffered(continuation)?, .failure(error)):
            continuation.resume(returning: .failure(error))
        case let (.streaming(continuation)?, .success):
            // Ended without a header block (cannot happen over HTTP): an empty response.
            let (empty, end) = AsyncThrowingStream.makeStream(of: [UInt8].self, throwing: (any Error).self)
            end.finish()
            continuation.resume(returning: .success(StreamingResponse(head: transfer.head, body: empty)))
        case let (.streaming(continuation)?, .failure(error)):
            continuation.resume(returning: .failure(error))
        case (nil, _):
            break
        }
        transfer.delivery = nil
    }
}
