/// Counters of one engine, for tests of connection reuse and for benchmarks.
public struct TransportStats: Sendable, Equatable {
    /// Transfers handed to libcurl.
    public var transfersStarted = 0
    /// Transfers that ended (successfully, failed or cancelled).
    public var transfersFinished = 0
    /// New connections libcurl had to open (CURLINFO_NUM_CONNECTS summed over transfers);
    /// reused and multiplexed transfers add nothing.
    public var connectionsOpened = 0
    /// Response body bytes received.
    public var bodyBytesReceived = 0

    public init() {}
}
