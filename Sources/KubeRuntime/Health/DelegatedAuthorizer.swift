import Crypto
import Foundation
import KubeClient
import KubeCore
import Logging
import Synchronization

/// Who may read the secure metrics endpoint, asked of the API server as controller-runtime's
/// `filters.WithAuthenticationAndAuthorization` asks it: the bearer token goes to a TokenReview
/// (authentication.k8s.io/v1), the user it names to a SubjectAccessReview
/// (authorization.k8s.io/v1) for the request's verb and path, so `nonResourceURLs: ["/metrics"]`
/// in a ClusterRole is what grants a scraper access.
///
/// Answers are cached as controller-runtime caches them: a token's review for a minute (either
/// way), an allowed decision for five minutes, a denied one for 30 s. A review that fails (API
/// server away, the operator's own RBAC missing) is not cached and answers 500, so a scrape fails
/// loudly instead of being let in.
public final class DelegatedAuthorizer: Sendable {
    public enum Decision: Sendable, Equatable {
        case allowed(user: String)
        /// No bearer token, or one the API server does not know: 401.
        case unauthenticated
        /// Authenticated but not allowed: 403.
        case forbidden(user: String)
        /// A review could not be made: 500, with the reason logged.
        case failed(String)
    }

    public struct Options: Sendable {
        public var tokenTTL: Duration = .seconds(60)
        public var allowTTL: Duration = .seconds(300)
        public var denyTTL: Duration = .seconds(30)
        /// Entries kept per cache; expired ones are dropped first when it is full.
        public var capacity = 1024
        public var now: @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now }
        public init() {}
    }

    struct Cached<Value: Sendable>: Sendable {
        var value: Value
        var expires: ContinuousClock.Instant
    }

    /// Who the TokenReview said the token belongs to, `extra` included: authorizers may narrow
    /// a user by it (scoped tokens), so the SubjectAccessReview carries it on.
    struct ReviewedUser: Sendable, Hashable {
        var name: String
        var uid: String
        var groups: [String]
        var extra: [String: [String]]
    }

    static let tokenReviews = ResourceInfo(group: "authentication.k8s.io", version: "v1", kind: "TokenReview",
                                           plural: "tokenreviews", namespaced: false)
    static let subjectAccessReviews = ResourceInfo(group: "authorization.k8s.io", version: "v1", kind: "SubjectAccessReview",
                                                   plural: "subjectaccessreviews", namespaced: false)

    private let client: KubeClient
    private let options: Options
    private let logger: Logger
    private let tokens = Mutex<[String: Cached<ReviewedUser?>]>([:])
    private let decisions = Mutex<[String: Cached<Bool>]>([:])

    public init(client: KubeClient, options: Options = Options(), logger: Logger = Logger(label: "modelops.metrics-auth")) {
        self.client = client
        self.options = options
        self.logger = logger
    }

    /// The decision for a request with this `Authorization` header, method and path.
    public func decide(authorization: String?, method: String, path: String) async -> Decision {
        // As Go's bearertoken authenticator reads the header: "Bearer", one space, the token
        // (the second space-separated field; an empty one is no token).
        let parts = (authorization ?? "").trimmingCharacters(in: .whitespaces).split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count >= 2, parts[0].lowercased() == "bearer", !parts[1].isEmpty else { return .unauthenticated }
        let token = String(parts[1])
        let user: ReviewedUser
        switch await authenticate(token) {
        case let .success(reviewed?): user = reviewed
        case .success(nil): return .unauthenticated
        case let .failure(error):
            logger.error("metrics authentication failed: TokenReview refused", metadata: ["error": "\(error)"])
            return .failed("Authentication failed")
        }
        switch await authorize(user, verb: method.lowercased(), path: path) {
        case .success(true): return .allowed(user: user.name)
        case .success(false): return .forbidden(user: user.name)
        case let .failure(error):
            logger.error("metrics authorization failed: SubjectAccessReview refused", metadata: ["user": "\(user.name)", "error": "\(error)"])
            return .failed("Authorization for user \(user.name) failed")
        }
    }

    private func authenticate(_ token: String) async -> Result<ReviewedUser?, KubeError> {
        let key = SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined()
        let now = options.now()
        if let cached = tokens.withLock({ $0[key] }), cached.expires > now { return .success(cached.value) }
        let review: JSON = ["apiVersion": "authentication.k8s.io/v1", "kind": "TokenReview", "spec": ["token": .string(token)]]
        do {
            let answer = try await client.dynamic(Self.tokenReviews).create(review)
            var user: ReviewedUser?
            if answer[path: ["status", "authenticated"]]?.boolValue == true,
               let name = answer[path: ["status", "user", "username"]]?.stringValue, !name.isEmpty {
                user = ReviewedUser(name: name, uid: answer[path: ["status", "user", "uid"]]?.stringValue ?? "",
                                    groups: (answer[path: ["status", "user", "groups"]]?.arrayValue ?? []).compactMap(\.stringValue),
                                    extra: (answer[path: ["status", "user", "extra"]]?.objectValue ?? [:]).mapValues {
                                        ($0.arrayValue ?? []).compactMap(\.stringValue)
                                    })
            }
            let expires = options.now() + options.tokenTTL, capacity = options.capacity
            tokens.withLock { Self.insert(&$0, key: key, value: Cached(value: user, expires: expires), capacity: capacity, now: now) }
            return .success(user)
        } catch {
            return .failure(error)
        }
    }

    private func authorize(_ user: ReviewedUser, verb: String, path: String) async -> Result<Bool, KubeError> {
        var spec: [String: JSON] = ["user": .string(user.name), "groups": .array(user.groups.map(JSON.string)),
                                    "nonResourceAttributes": ["path": .string(path), "verb": .string(verb)]]
        if !user.uid.isEmpty { spec["uid"] = .string(user.uid) }
        if !user.extra.isEmpty { spec["extra"] = .object(user.extra.mapValues { .array($0.map(JSON.string)) }) }
        // The whole spec is the key, as the webhook authorizer's cache keys it: nothing in it can
        // run into a neighbouring field.
        let key = String(decoding: JSON.object(spec).serialized(), as: UTF8.self)
        let now = options.now()
        if let cached = decisions.withLock({ $0[key] }), cached.expires > now { return .success(cached.value) }
        let review: JSON = ["apiVersion": "authorization.k8s.io/v1", "kind": "SubjectAccessReview", "spec": .object(spec)]
        do {
            let answer = try await client.dynamic(Self.subjectAccessReviews).create(review)
            let allowed = answer[path: ["status", "allowed"]]?.boolValue == true
                && answer[path: ["status", "denied"]]?.boolValue != true
            let expires = options.now() + (allowed ? options.allowTTL : options.denyTTL), capacity = options.capacity
            decisions.withLock { Self.insert(&$0, key: key, value: Cached(value: allowed, expires: expires), capacity: capacity, now: now) }
            return .success(allowed)
        } catch {
            return .failure(error)
        }
    }

    /// Adds an entry; a full cache first drops what expired, then (all still fresh) everything,
    /// so a flood of distinct tokens cannot grow memory without bound.
    private static func insert<Value>(_ cache: inout [String: Cached<Value>], key: String,
                                      value: Cached<Value>, capacity: Int, now: ContinuousClock.Instant) {
        if cache.count >= capacity, cache[key] == nil {
            cache = cache.filter { $0.value.expires > now }
            if cache.count >= capacity { cache.removeAll(keepingCapacity: true) }
        }
        cache[key] = value
    }
}
