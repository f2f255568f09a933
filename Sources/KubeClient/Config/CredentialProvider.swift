import Foundation

/// Hands out the current secret for one client's requests: a token re-read from its file once
/// a minute, an exec plugin's credential cached until its `expirationTimestamp`, or a fixed
/// token or password. One per client, so a plugin runs once however many requests wait for it.
///
/// Time comes from an injected clock (tests advance it instead of sleeping). An exec
/// credential's expiry is wall-clock time; when it arrives it is turned into a deadline on the
/// injected clock (expiry minus the wall time now), so both kinds of expiry follow one clock.
public actor CredentialProvider {
    public nonisolated let credentials: Credentials
    /// Time since this provider was made, on the injected clock.
    private let elapsed: @Sendable () -> Duration
    private let wallClock: @Sendable () -> Date
    private let environment: [String: String]

    private var fileToken: String?
    private var fileTokenReadAt: Duration?

    private var execOutput: ExecPlugin.Output?
    /// Deadline on the injected clock; nil: no expiry given, valid until invalidated.
    private var execExpiresAt: Duration?
    /// The plugin run that concurrent callers share, so that a burst of requests runs it once.
    private var execInFlight: Task<Result<ExecPlugin.Output, ConfigError>, Never>?

    public init(_ credentials: Credentials, clock: some Clock<Duration> = ContinuousClock()) {
        self.init(credentials, clock: clock, wallClock: { Date() }, environment: ProcessInfo.processInfo.environment)
    }

    /// `environment` is the base environment of exec plugins (and their PATH lookup).
    init(_ credentials: Credentials, clock: some Clock<Duration>, wallClock: @escaping @Sendable () -> Date,
         environment: [String: String]) {
        self.credentials = credentials
        let start = clock.now
        self.elapsed = { start.duration(to: clock.now) }
        self.wallClock = wallClock
        self.environment = environment
    }

    /// The `Authorization` header value (`Bearer …` or `Basic …`), or nil when requests
    /// authenticate by client certificate only (or not at all).
    public func authorization() async throws(ConfigError) -> String? {
        switch credentials {
        case .none:
            return nil
        case let .token(token):
            return "Bearer \(token)"
        case let .tokenFile(path, reread):
            return "Bearer \(try token(fromFile: path, reread: reread))"
        case let .basic(username, password):
            return "Basic \(Data("\(username):\(password)".utf8).base64EncodedString())"
        case let .exec(config):
            return try await execCredential(config).token.map { "Bearer \($0)" }
        }
    }

    /// The client certificate an exec plugin returned (PEM), or nil. Static certificates from
    /// the kubeconfig are in `ClientConfiguration.tls` instead.
    public func clientCertificate() async throws(ConfigError) -> (certificatePEM: [UInt8], keyPEM: [UInt8])? {
        guard case let .exec(config) = credentials else { return nil }
        let output = try await execCredential(config)
        guard let certificate = output.certificatePEM, let key = output.keyPEM else { return nil }
        return (certificate, key)
    }

    /// Forgets the cached credential after the server answered 401, so the next request runs
    /// the plugin again (client-go `maybeRefreshCreds`) or re-reads the token file.
    ///
    /// Pass the `Authorization` value the rejected request carried: when several requests fail
    /// with the same stale token, only the first 401 forces a refresh and the rest see that the
    /// credential has already changed (client-go compares the credentials it used likewise).
    public func invalidate(rejected authorization: String? = nil) {
        if let authorization {
            let current: String?
            switch credentials {
            case .exec: current = execOutput?.token.map { "Bearer \($0)" }
            case .tokenFile: current = fileToken.map { "Bearer \($0)" }
            default: current = nil
            }
            if let current, current != authorization { return }
        }
        execOutput = nil
        execExpiresAt = nil
        fileTokenReadAt = nil
    }

    // MARK: Token file

    /// client-go's `CachedFileTokenSource`: re-read after `reread`; if a re-read fails the
    /// previous token is kept (and the read retried next time), only the first read must work.
    private func token(fromFile path: String, reread: Duration) throws(ConfigError) -> String {
        let now = elapsed()
        if let token = fileToken, let readAt = fileTokenReadAt, now - readAt < reread {
            return token
        }
        do throws(FileAccess.Failure) {
            let text = String(decoding: try FileAccess.read(path), as: UTF8.self)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            guard !text.isEmpty else {
                throw FileAccess.Failure(message: "read empty token from file \"\(path)\"", isMissing: false)
            }
            fileToken = text
            fileTokenReadAt = now
            return text
        } catch {
            if let previous = fileToken { return previous }
            throw ConfigError(file: path, field: "tokenFile", message: "unable to read token: \(error.message)")
        }
    }

    // MARK: Exec plugin

    private func execCredential(_ config: ExecConfig) async throws(ConfigError) -> ExecPlugin.Output {
        if let output = execOutput, execExpiresAt.map({ elapsed() < $0 }) ?? true {
            return output
        }
        if let running = execInFlight {
            return try await running.value.get()
        }
        let environment = self.environment
        let task = Task { await ExecPlugin.run(config, environment: environment) }
        execInFlight = task
        let result = await task.value
        execInFlight = nil
        let output = try result.get()
        execOutput = output
        if let expiration = output.expiration {
            let remaining = expiration.timeIntervalSince(wallClock())
            execExpiresAt = elapsed() + .milliseconds(Int64((remaining * 1000).rounded(.down)))
        } else {
            execExpiresAt = nil
        }
        return output
    }
}
