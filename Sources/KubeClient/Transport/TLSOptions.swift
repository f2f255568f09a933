/// TLS material for one API server, held in memory (never written to disk).
public struct TLSOptions: Sendable, Equatable {
    /// PEM bundle of CAs to trust; nil uses the system trust store.
    public var caPEM: [UInt8]?
    /// PEM client certificate (chain) and key for mutual TLS.
    public var clientCertificatePEM: [UInt8]?
    public var clientKeyPEM: [UInt8]?
    public var insecureSkipVerify: Bool
    /// The name to verify the server certificate against (and send as SNI) instead of the URL's host.
    public var serverName: String?

    public init(caPEM: [UInt8]? = nil, clientCertificatePEM: [UInt8]? = nil, clientKeyPEM: [UInt8]? = nil,
                insecureSkipVerify: Bool = false, serverName: String? = nil) {
        self.caPEM = caPEM
        self.clientCertificatePEM = clientCertificatePEM
        self.clientKeyPEM = clientKeyPEM
        self.insecureSkipVerify = insecureSkipVerify
        self.serverName = serverName
    }
}
