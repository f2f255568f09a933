import Foundation
import KubeCore

/// Runs a client-go credential plugin once and reads its `ExecCredential`, as client-go's
/// `exec.Authenticator.refreshCredsLocked` does.
///
/// The process runs through Foundation's `Process` with a termination handler resuming a
/// continuation, and its output goes to temporary files rather than pipes, so no thread of
/// Swift's cooperative pool blocks on it and a chatty plugin cannot fill a pipe and stall.
enum ExecPlugin {
    static let supportedVersions = ["client.authentication.k8s.io/v1", "client.authentication.k8s.io/v1beta1"]
    static let execInfoVariable = "KUBERNETES_EXEC_INFO"

    /// client-go's text after "executable … not found", before the plugin's own install hint.
    static let installHintVerboseHelp = """


        It looks like you are trying to use a client-go credential plugin that is not installed.

        To learn more about this feature, consult the documentation available at:
              https://kubernetes.io/docs/reference/access-authn-authz/authentication/#client-go-credential-plugins
        """

    /// What the plugin returned.
    struct Output: Sendable {
        var token: String?
        var certificatePEM: [UInt8]?
        var keyPEM: [UInt8]?
        /// `status.expirationTimestamp`; nil means valid until the server rejects it.
        var expiration: Date?
    }

    static func error(_ config: ExecConfig, _ message: String) -> ConfigError {
        ConfigError(file: config.file, field: config.user.map { "users[\"\($0)\"].user.exec" } ?? "exec", message: message)
    }

    /// `KUBERNETES_EXEC_INFO`: an ExecCredential with only a spec, in the plugin's apiVersion.
    /// `interactive` is always false: an operator has no terminal to hand over.
    static func execInfo(_ config: ExecConfig) -> String {
        var spec: [String: JSON] = ["interactive": false]
        if config.provideClusterInfo, let cluster = config.cluster { spec["cluster"] = cluster }
        let info: JSON = ["kind": "ExecCredential", "apiVersion": .string(config.apiVersion), "spec": .object(spec)]
        return info.serializedString()
    }

    static func run(_ config: ExecConfig,
                    environment: [String: String] = ProcessInfo.processInfo.environment) async -> Result<Output, ConfigError> {
        if config.interactiveMode == "Always" {
            return .failure(error(config, "exec plugin cannot support interactive mode: interactiveMode is Always but standard input is not a terminal"))
        }
        guard let executable = locate(config.command, path: environment["PATH"] ?? "") else {
            var message = "exec: executable \(config.command) not found" + installHintVerboseHelp
            if let hint = config.installHint { message += "\n\n\(hint)" }
            return .failure(error(config, message))
        }
        var env = environment
        for variable in config.env { env[variable.name] = variable.value }
        env[execInfoVariable] = execInfo(config)

        let finished: ProcessRunner.Finished
        do {
            finished = try await ProcessRunner.run(executable: executable, arguments: config.args, environment: env)
        } catch {
            return .failure(self.error(config, "exec: \(error)"))
        }
        guard finished.exitCode == 0 else {
            var message = "exec: executable \(config.command) failed with exit code \(finished.exitCode)"
            let stderr = String(decoding: finished.stderr.prefix(4096), as: UTF8.self)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            if !stderr.isEmpty { message += "; stderr: \(stderr)" }
            return .failure(error(config, message))
        }
        do throws(ConfigError) {
            return .success(try parse(finished.stdout, config: config))
        } catch {
            return .failure(error)
        }
    }

    /// Go's `exec.LookPath`: a name with a slash is used as it is; a bare name is searched on
    /// PATH. Either way it must be an executable regular file.
    static func locate(_ command: String, path: String) -> String? {
        if command.contains("/") {
            return FileAccess.isExecutableFile(command) ? command : nil
        }
        guard !command.isEmpty else { return nil }
        for directory in path.split(separator: ":", omittingEmptySubsequences: false) {
            // Go 1.19+ refuses relative PATH entries (ErrDot); so do we.
            guard directory.hasPrefix("/") else { continue }
            let candidate = "\(directory)/\(command)"
            if FileAccess.isExecutableFile(candidate) { return candidate }
        }
        return nil
    }

    /// Reads the ExecCredential from stdout with client-go's checks and messages.
    static func parse(_ stdout: [UInt8], config: ExecConfig) throws(ConfigError) -> Output {
        let credential: JSON
        do {
            credential = try JSON.parse(stdout)
        } catch {
            throw self.error(config, "decoding stdout: \(error)")
        }
        guard case .object = credential else {
            throw error(config, "decoding stdout: expected an ExecCredential object, got \(credential.typeName)")
        }
        let kind = credential["kind"]?.stringValue ?? ""
        guard kind == "ExecCredential" else {
            throw error(config, "decoding stdout: expected kind ExecCredential, got \"\(kind)\"")
        }
        let returned = credential["apiVersion"]?.stringValue ?? ""
        guard returned == config.apiVersion else {
            throw error(config, "exec plugin is configured to use API version \(config.apiVersion), plugin returned version \(returned)")
        }
        guard let status = credential["status"], case .object = status else {
            throw error(config, "exec plugin didn't return a status field")
        }
        func text(_ key: String) throws(ConfigError) -> String? {
            switch status[key] {
            case nil, .null?: return nil
            case let .string(value)?: return value.isEmpty ? nil : value
            case let other?: throw error(config, "decoding stdout: status.\(key): expected a string, got \(other.typeName)")
            }
        }
        let token = try text("token")
        let certificate = try text("clientCertificateData")
        let key = try text("clientKeyData")
        if token == nil && certificate == nil && key == nil {
            throw error(config, "exec plugin didn't return a token or cert/key pair")
        }
        if (certificate == nil) != (key == nil) {
            throw error(config, "exec plugin returned only certificate or key, not both")
        }
        var expiration: Date?
        if let stamp = try text("expirationTimestamp") {
            guard let time = KubeTime(rfc3339: stamp) else {
                throw error(config, "decoding stdout: status.expirationTimestamp: cannot parse \"\(stamp)\" as RFC 3339")
            }
            expiration = time.date
        }
        return Output(token: token, certificatePEM: certificate.map { Array($0.utf8) },
                      keyPEM: key.map { Array($0.utf8) }, expiration: expiration)
    }
}
