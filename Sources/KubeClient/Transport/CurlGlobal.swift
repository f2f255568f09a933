import CCurl

/// `curl_global_init` must run once before any other libcurl call (and, before libcurl 7.84,
/// while no other thread uses libcurl); a Swift global initializer runs exactly once, thread-safely.
enum CurlGlobal {
    private static let initialized: Bool = curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK

    static func ensureInitialized() {
        _ = initialized
    }
}
