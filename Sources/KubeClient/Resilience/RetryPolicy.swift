/// When and how long to retry. Idempotent verbs (GET, HEAD, PUT, DELETE) are retried on
/// connection errors and 5xx with capped exponential backoff and full jitter; POST and PATCH
/// never are, since the server may have acted on them. A 429 (or a 5xx carrying Retry-After)
/// means the server did not act: every verb waits the time it asks and tries again.
public struct RetryPolicy: Sendable {
    public var maxAttempts: Int = 5
    public var initialBackoff: Duration = .milliseconds(100)
    public var maxBackoff: Duration = .seconds(10)
    /// Upper bound on a server-requested Retry-After, so a confused proxy cannot stall us for hours.
    public var maxRetryAfter: Duration = .seconds(60)

    public init() {}

    public static let none: RetryPolicy = {
        var p = RetryPolicy()
        p.maxAttempts = 1
        return p
    }()

    static func isIdempotent(_ method: String) -> Bool {
        ["GET", "HEAD", "PUT", "DELETE", "OPTIONS"].contains(method)
    }

    /// The delay before attempt `attempt + 1` (attempt counts from 1), or nil to give up.
    /// `random` is a number in [0, 1) for the jitter (injected so tests are deterministic).
    func delay(method: String, attempt: Int, statusCode: Int?, retryAfter: Int?, transportRetryable: Bool,
               random: Double) -> Duration? {
        guard attempt < maxAttempts else { return nil }
        if let retryAfter, statusCode == 429 || (statusCode.map { $0 >= 500 } ?? false) {
            if statusCode != 429, !Self.isIdempotent(method) { return nil }
            return min(.seconds(max(0, retryAfter)), maxRetryAfter)
        }
        if statusCode == 429 { return backoff(attempt: attempt, random: random) }
        guard Self.isIdempotent(method) else { return nil }
        if let code = statusCode {
            guard code >= 500, code != 501 else { return nil }
        } else if !transportRetryable {
            return nil
        }
        return backoff(attempt: attempt, random: random)
    }

    /// Full jitter: uniform in [0, min(max, initial·2^(attempt-1))].
    func backoff(attempt: Int, random: Double) -> Duration {
        let exponent = min(attempt - 1, 30)
        let ceiling = min(maxBackoff, initialBackoff * (1 << exponent))
        return ceiling * max(0, min(1, random))
    }
}
