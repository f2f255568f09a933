import Foundation
import KubeCore
import Synchronization

/// A client of one Kubernetes API server: configuration, credentials, rate limiting, retries and
/// the libcurl engine, with every non-2xx answer turned into `KubeError.api(Status)`.
///
/// Verbs live on `ResourceClient` (`client.resource(K.self, namespace:)` for typed kinds,
/// `client.dynamic(info, namespace:)` for JSON); discovery maps kinds to resources.
public final class KubeClient: Sendable {
    public struct Options: Sendable {
        /// Client-side rate limit; `qps <= 0` (the default) means none. client-go's own default
        /// (5 qps, burst 10) throttles controllers at scale, and controller-runtime has turned it off
        /// since v0.21 on SIG API Machinery's advice: API Priority and Fairness on the server
        /// shares capacity out, and its 429s are waited out (Retry-After) by `retry`.
        public var qps: Double = -1
        public var burst: Int = 1
        public var retry = RetryPolicy()
        /// Total time for one ordinary request (not watches).
        public var requestTimeout: Duration = .seconds(30)
        /// A watch that delivers nothing (not even a bookmark) for this long is considered dead.
        public var watchIdleTimeout: Duration = .seconds(120)
        public var connectTimeout: Duration = .seconds(10)
        public var http2 = true
        public var userAgent = "modelops/0.1"
        public var time: TimeSource = .continuous
        /// Told about every HTTP attempt (status, or nil when no answer came, and method): feeds
        /// `rest_client_requests_total{code,method,host}`.
        public var requestObserver: (@Sendable (_ status: Int?, _ method: String, _ host: String) -> Void)?
        /// The jitter source for backoff, injectable for deterministic tests.
        public var random: @Sendable () -> Double = { Double.random(in: 0..<1) }

        public init() {}
    }

    public let configuration: ClientConfiguration
    public let options: Options
    let engine: CurlEngine
    let credentials: CredentialProvider
    let limiter: RateLimiter
    let baseURL: String
    let discoveryCache = Mutex<[String: ResourceInfo]>([:])
    /// `host:port` of the server, the `host` label of request metrics.
    let host: String

    /// `credentials` may be supplied (a test's provider on a manual clock); by default one is
    /// made from the configuration.
    public init(configuration: ClientConfiguration, options: Options = Options(),
                credentials: CredentialProvider? = nil) throws(KubeError) {
        self.configuration = configuration
        self.options = options
        var transport = TransportOptions(tls: configuration.tls)
        transport.proxyURL = configuration.proxyURL
        transport.connectTimeout = options.connectTimeout
        transport.http2 = options.http2
        do {
            engine = try CurlEngine(options: transport)
        } catch {
            throw KubeError.transport(error)
        }
        self.credentials = credentials ?? CredentialProvider(configuration.credentials)
        limiter = RateLimiter(qps: options.qps, burst: options.burst, time: options.time)
        var base = configuration.server
        while base.hasSuffix("/") { base.removeLast() }
        baseURL = base
        host = URL(string: base).map { url in url.port.map { "\(url.host ?? ""):\($0)" } ?? (url.host ?? base) } ?? base
    }

    /// Loads configuration the controller-runtime way (`--kubeconfig`, `$KUBECONFIG`, in-cluster,
    /// `~/.kube/config`) and builds a client.
    public static func fromEnvironment(kubeconfig: String? = nil, context: String? = nil, options: Options = Options()) throws(KubeError) -> KubeClient {
        do {
            return try KubeClient(configuration: ConfigLoader.load(kubeconfig: kubeconfig, context: context), options: options)
        } catch let error as ConfigError {
            throw KubeError.configuration(error)
        } catch let error as KubeError {
            throw error
        } catch {
            throw KubeError.decoding("\(error)")
        }
    }

    public var defaultNamespace: String { configuration.namespace }

    public func shutdown() { engine.shutdown() }

    /// Transfers and connections of the underlying engine (connection reuse shows here).
    public var transportStats: TransportStats { engine.stats }

    // MARK: - Requests

    func url(_ path: String, _ query: [(String, String)]) -> String {
        guard !query.isEmpty else { return baseURL + path }
        return baseURL + path + "?" + query.map { "\($0.0.addingPercentEncodingForPath())=\($0.1.addingPercentEncodingForPath())" }
            .joined(separator: "&")
    }

    func headers(accept: String, contentType: String?) async throws(KubeError) -> [(String, String)] {
        var headers: [(String, String)] = [("Accept", accept), ("User-Agent", options.userAgent)]
        if let contentType { headers.append(("Content-Type", contentType)) }
        do {
            if let authorization = try await credentials.authorization() {
                headers.append(("Authorization", authorization))
            }
        } catch {
            throw KubeError.configuration(error)
        }
        return headers
    }

    /// One request with rate limiting, credentials (refreshed once on 401), and retries; the
    /// answer's body on 2xx, `KubeError.api(Status)` otherwise.
    func send(_ method: String, _ path: String, query: [(String, String)] = [], body: [UInt8]? = nil,
              contentType: String? = nil, accept: String = "application/json") async throws(KubeError) -> HTTPResponse {
        var attempt = 0
        var refreshedCredentials = false
        while true {
            attempt += 1
            do {
                try await limiter.acquire()
            } catch {
                throw KubeError.transport(.cancelled)
            }
            let headers = try await self.headers(accept: accept, contentType: contentType)
            let request = HTTPRequest(method: method, url: url(path, query), headers: headers, body: body,
                                      timeout: options.requestTimeout, idleTimeout: nil)
            let response: HTTPResponse
            do {
                response = try await engine.execute(request)
                options.requestObserver?(response.head.status, method, host)
            } catch {
                options.requestObserver?(nil, method, host)
                if let delay = options.retry.delay(method: method, attempt: attempt, statusCode: nil, retryAfter: nil,
                                                   transportRetryable: error.isRetryable, random: options.random()) {
                    try await pause(delay)
                    continue
                }
                throw KubeError.transport(error)
            }
            let code = response.head.status
            if (200..<300).contains(code) { return response }
            if code == 401, !refreshedCredentials {
                refreshedCredentials = true
                await credentials.invalidate(rejected: headers.first { $0.0 == "Authorization" }?.1)
                continue
            }
            let status = Self.status(from: response)
            let retryAfter = response.head.header("Retry-After").flatMap { Int($0) } ?? status.details?.retryAfterSeconds
            if let delay = options.retry.delay(method: method, attempt: attempt, statusCode: code, retryAfter: retryAfter,
                                               transportRetryable: false, random: options.random()) {
                try await pause(delay)
                continue
            }
            throw KubeError.api(status)
        }
    }

    private func pause(_ delay: Duration) async throws(KubeError) {
        do {
            try await options.time.sleep(delay)
        } catch {
            throw KubeError.transport(.cancelled)
        }
    }

    static func status(from response: HTTPResponse) -> Status {
        if let status = try? JSONDecoder().decode(Status.self, from: Data(response.body)), status.code != nil || status.reason != nil {
            var status = status
            if status.code == nil { status.code = response.head.status }
            return status
        }
        return Status.synthesized(code: response.head.status, body: response.body)
    }

    /// Opens a streaming request (a watch): headers checked, then the body's chunks.
    func stream(_ path: String, query: [(String, String)]) async throws(KubeError) -> StreamingResponse {
        do {
            try await limiter.acquire()
        } catch {
            throw KubeError.transport(.cancelled)
        }
        let headers = try await self.headers(accept: "application/json", contentType: nil)
        let request = HTTPRequest(method: "GET", url: url(path, query), headers: headers, body: nil,
                                  timeout: nil, idleTimeout: options.watchIdleTimeout)
        let response: StreamingResponse
        do {
            response = try await engine.stream(request)
        } catch {
            throw KubeError.transport(error)
        }
        guard (200..<300).contains(response.head.status) else {
            var body: [UInt8] = []
            do {
                for try await chunk in response.body { body += chunk }
            } catch {}
            if response.head.status == 401 {
                await credentials.invalidate(rejected: headers.first { $0.0 == "Authorization" }?.1)
            }
            throw KubeError.api(Self.status(from: HTTPResponse(head: response.head, body: body)))
        }
        return response
    }
}
