import KubeCore

/// One `users[].user` entry (client-go's AuthInfo), file paths already resolved against the
/// directory of the file it came from.
struct KubeconfigUser: Sendable {
    var origin: String
    var path: String
    var clientCertificate: String?
    var clientCertificateData: [UInt8]?
    var clientKey: String?
    var clientKeyData: [UInt8]?
    var token: String?
    var tokenFile: String?
    var username: String?
    var password: String?
    /// `as`: impersonation, which this client does not implement (see `ConfigLoader`).
    var impersonate: String?
    var authProviderName: String?
    var hasAuthProvider: Bool
    var exec: Exec?

    /// `user.exec` as written.
    struct Exec: Sendable {
        var command: String?
        var args: [String]
        var env: [(name: String, value: String)]
        var apiVersion: String?
        var installHint: String?
        var provideClusterInfo: Bool
        var interactiveMode: String?
    }

    init(_ fields: KubeconfigFields) throws(ConfigError) {
        let base = FileAccess.directory(of: fields.file)
        origin = fields.file
        path = fields.path
        clientCertificate = try fields.string("client-certificate").map { FileAccess.resolve($0, against: base) }
        clientCertificateData = try fields.base64("client-certificate-data")
        clientKey = try fields.string("client-key").map { FileAccess.resolve($0, against: base) }
        clientKeyData = try fields.base64("client-key-data")
        token = try fields.string("token")
        tokenFile = try fields.string("tokenFile").map { FileAccess.resolve($0, against: base) }
        username = try fields.string("username")
        password = try fields.string("password")
        impersonate = try fields.string("as")
        let provider = try fields.nested("auth-provider")
        hasAuthProvider = provider != nil
        authProviderName = try provider?.string("name")
        if let execFields = try fields.nested("exec") {
            var env: [(String, String)] = []
            for (index, item) in try execFields.array("env").enumerated() {
                guard case let .object(pair) = item else {
                    throw execFields.error("env[\(index)]", "expected a mapping with name and value, got \(item.typeName)")
                }
                let pairFields = KubeconfigFields(pair, path: execFields.fieldPath("env[\(index)]"), file: fields.file)
                env.append((try pairFields.string("name") ?? "", try pairFields.string("value") ?? ""))
            }
            var command = try execFields.string("command")
            // client-go resolves the command against the file's directory only when it is a
            // path; a bare name is looked up on PATH when the plugin runs.
            if let name = command, name.contains("/") { command = FileAccess.resolve(name, against: base) }
            let apiVersion = try execFields.string("apiVersion")
            var interactiveMode = try execFields.string("interactiveMode")
            // clientcmd/api/v1 defaults: v1beta1 (and v1alpha1) plugins default to IfAvailable;
            // v1 must say.
            if interactiveMode == nil,
               apiVersion == "client.authentication.k8s.io/v1beta1" || apiVersion == "client.authentication.k8s.io/v1alpha1" {
                interactiveMode = "IfAvailable"
            }
            exec = Exec(command: command, args: try execFields.strings("args"), env: env, apiVersion: apiVersion,
                        installHint: try execFields.string("installHint"),
                        provideClusterInfo: try execFields.bool("provideClusterInfo"),
                        interactiveMode: interactiveMode)
        }
    }
}
