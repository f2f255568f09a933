/// A response whose body arrives while the request is still running (a watch).
///
/// `body` yields the bytes in the chunks the network delivered them, not split at lines or events.
/// It finishes when the server ends the response and throws a `TransportError` when the transfer
/// fails. Ending the iteration early (or cancelling the consuming task, or dropping the stream)
/// aborts the transfer; on HTTP/2 only that stream is reset, the connection stays.
public struct StreamingResponse: Sendable {
    public var head: HTTPResponseHead
    public var body: AsyncThrowingStream<[UInt8], any Error>

    public init(head: HTTPResponseHead, body: AsyncThrowingStream<[UInt8], any Error>) {
        self.head = head
        self.body = body
    }
}
