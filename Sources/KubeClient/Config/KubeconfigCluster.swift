import KubeCore

/// One `clusters[].cluster` entry of a kubeconfig, remembering the file it came from so that
/// relative paths resolve against that file and errors can name it.
struct KubeconfigCluster: Sendable {
    var origin: String
    /// The path of this entry in its file, for errors.
    var path: String
    var server: String?
    var tlsServerName: String?
    var insecureSkipTLSVerify: Bool
    /// Absolute after loading: relative paths resolve against `origin`'s directory.
    var certificateAuthority: String?
    var certificateAuthorityData: [UInt8]?
    var proxyURL: String?
    var disableCompression: Bool
    /// The `client.authentication.k8s.io/exec` extension, handed to exec plugins as `spec.cluster.config`.
    var execExtension: JSON?

    init(_ fields: KubeconfigFields) throws(ConfigError) {
        origin = fields.file
        path = fields.path
        server = try fields.string("server")
        tlsServerName = try fields.string("tls-server-name")
        insecureSkipTLSVerify = try fields.bool("insecure-skip-tls-verify")
        certificateAuthority = try fields.string("certificate-authority")
            .map { FileAccess.resolve($0, against: FileAccess.directory(of: fields.file)) }
        certificateAuthorityData = try fields.base64("certificate-authority-data")
        proxyURL = try fields.string("proxy-url")
        disableCompression = try fields.bool("disable-compression")
        execExtension = nil
        for (name, extensionFields) in try fields.namedList("extensions", entry: "extension")
        where name == "client.authentication.k8s.io/exec" {
            execExtension = .object(extensionFields.object)
        }
    }
}
