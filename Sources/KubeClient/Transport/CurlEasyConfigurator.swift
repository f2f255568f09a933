import CCurl
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Sets an easy handle's options from the engine's `TransportOptions` and one request.
struct CurlEasyConfigurator {
    let options: TransportOptions
    let caBlob: UnsafeMutableRawBufferPointer?
    let certBlob: UnsafeMutableRawBufferPointer?
    let keyBlob: UnsafeMutableRawBufferPointer?

    /// KUBECLIENT_CURL_VERBOSE=1 makes libcurl trace every transfer to stderr (for debugging only).
    static let verbose: Bool = getenv("KUBECLIENT_CURL_VERBOSE").map { String(cString: $0) == "1" } ?? false

    /// Returns the error that makes the request impossible, if any.
    func configure(_ easy: UnsafeMutableRawPointer, for transfer: CurlTransfer) -> TransportError? {
        let request = transfer.request
        var failure: CURLcode = CURLE_OK
        func check(_ code: CURLcode) { if code != CURLE_OK && failure == CURLE_OK { failure = code } }
        func long(_ option: CURLoption, _ value: Int) { check(ccurl_easy_setopt_long(easy, option, value)) }
        func string(_ option: CURLoption, _ value: String?) {
            if let value { check(value.withCString { ccurl_easy_setopt_string(easy, option, $0) }) }
            else { check(ccurl_easy_setopt_string(easy, option, nil)) }
        }

        let context = Unmanaged.passUnretained(transfer).toOpaque()
        check(ccurl_easy_setopt_pointer(easy, CURLOPT_PRIVATE, context))
        check(ccurl_easy_setopt_pointer(easy, CURLOPT_ERRORBUFFER, UnsafeMutableRawPointer(transfer.errorBuffer)))
        check(ccurl_easy_setopt_write_function(easy, CURLOPT_WRITEFUNCTION, curlWriteBody))
        check(ccurl_easy_setopt_pointer(easy, CURLOPT_WRITEDATA, context))
        check(ccurl_easy_setopt_write_function(easy, CURLOPT_HEADERFUNCTION, curlWriteHeader))
        check(ccurl_easy_setopt_pointer(easy, CURLOPT_HEADERDATA, context))
        if Self.verbose { long(CURLOPT_VERBOSE, 1) }
        // Many threads in the process: libcurl must not use signals (SIGALRM for DNS timeouts).
        long(CURLOPT_NOSIGNAL, 1)

        // URL, with the serverName route when the certificate carries another name.
        var url = request.url
        var extraHeaders: [String] = []
        if let serverName = options.tls.serverName, !serverName.isEmpty,
           let route = ServerNameRoute(url: request.url, serverName: serverName) {
            url = route.url
            check(route.connectTo.withCString { entry in
                guard let list = curl_slist_append(nil, entry) else { return CURLE_OUT_OF_MEMORY }
                transfer.connectTo = list
                return ccurl_easy_setopt_slist(easy, CURLOPT_CONNECT_TO, list)
            })
            if !request.headers.contains(where: { $0.0.lowercased() == "host" }) {
                extraHeaders.append("Host: \(route.hostHeader)")
            }
        }
        string(CURLOPT_URL, url)

        // Method and body.
        switch request.method.uppercased() {
        case "GET" where request.body == nil:
            long(CURLOPT_HTTPGET, 1)
        case "HEAD":
            long(CURLOPT_NOBODY, 1)
        default:
            string(CURLOPT_CUSTOMREQUEST, request.method)
            let method = request.method.uppercased()
            if let body = request.body ?? (["POST", "PUT", "PATCH"].contains(method) ? [] : nil) {
                check(ccurl_easy_setopt_off_t(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count)))
                // COPYPOSTFIELDS: one copy libcurl owns, so the request value may go away.
                check(body.withUnsafeBytes { bytes in
                    ccurl_easy_setopt_pointer(easy, CURLOPT_COPYPOSTFIELDS,
                                              UnsafeMutableRawPointer(mutating: bytes.baseAddress ?? UnsafeRawPointer(("" as StaticString).utf8Start)))
                })
                if !request.headers.contains(where: { $0.0.lowercased() == "content-type" }) {
                    // Otherwise libcurl claims application/x-www-form-urlencoded.
                    extraHeaders.append("Content-Type:")
                }
            }
        }

        // Headers. "Expect:" stops HTTP/1.1 from waiting for 100-continue before large bodies.
        var list: UnsafeMutablePointer<curl_slist>?
        for line in request.headers.map({ "\($0.0): \($0.1)" }) + extraHeaders + ["Expect:"] {
            guard let appended = line.withCString({ curl_slist_append(list, $0) }) else {
                check(CURLE_OUT_OF_MEMORY)
                break
            }
            list = appended
        }
        transfer.headerList = list
        check(ccurl_easy_setopt_slist(easy, CURLOPT_HTTPHEADER, list))

        // Protocol: HTTP/2 by ALPN, waiting for an existing connection to say whether it
        // multiplexes rather than opening one connection per concurrent request.
        if options.http2 {
            long(CURLOPT_HTTP_VERSION, Int(CURL_HTTP_VERSION_2TLS))
            long(CURLOPT_PIPEWAIT, 1)
        } else {
            long(CURLOPT_HTTP_VERSION, Int(CURL_HTTP_VERSION_1_1))
        }

        // Timeouts. Streams have none in total; the engine enforces their idle timeout.
        long(CURLOPT_CONNECTTIMEOUT_MS, max(1, options.connectTimeout.curlMilliseconds))
        if !transfer.isStreaming, let timeout = request.timeout {
            long(CURLOPT_TIMEOUT_MS, max(1, timeout.curlMilliseconds))
        }
        if let interval = options.keepAlivePing {
            let seconds = max(1, interval.curlMilliseconds / 1000)
            long(CURLOPT_TCP_KEEPALIVE, 1)
            long(CURLOPT_TCP_KEEPIDLE, seconds)
            long(CURLOPT_TCP_KEEPINTVL, seconds)
            long(CURLOPT_UPKEEP_INTERVAL_MS, max(1, interval.curlMilliseconds))
        }

        // TLS, from memory.
        if let caBlob {
            check(ccurl_easy_setopt_blob(easy, CURLOPT_CAINFO_BLOB, caBlob.baseAddress, caBlob.count, 0))
            // Trust only this CA, not also the system bundle libcurl loads by default.
            string(CURLOPT_CAINFO, nil)
            string(CURLOPT_CAPATH, nil)
        }
        if let certBlob {
            check(ccurl_easy_setopt_blob(easy, CURLOPT_SSLCERT_BLOB, certBlob.baseAddress, certBlob.count, 0))
            string(CURLOPT_SSLCERTTYPE, "PEM")
        }
        if let keyBlob {
            check(ccurl_easy_setopt_blob(easy, CURLOPT_SSLKEY_BLOB, keyBlob.baseAddress, keyBlob.count, 0))
            string(CURLOPT_SSLKEYTYPE, "PEM")
        }
        if options.tls.insecureSkipVerify {
            long(CURLOPT_SSL_VERIFYPEER, 0)
            long(CURLOPT_SSL_VERIFYHOST, 0)
        }

        // Proxy: only the configured one (an empty string turns off the *_proxy environment variables).
        string(CURLOPT_PROXY, options.proxyURL ?? "")
        if options.proxyURL != nil { long(CURLOPT_SUPPRESS_CONNECT_HEADERS, 1) }

        guard failure == CURLE_OK else {
            let message = String(cString: curl_easy_strerror(failure))
            switch failure {
            case CURLE_SSL_CERTPROBLEM, CURLE_SSL_CACERT_BADFILE:
                return .tls(message)
            default:
                return .other(code: Int(failure.rawValue), message: "setting up the request: \(message)")
            }
        }
        return nil
    }
}

/// CURLOPT_WRITEFUNCTION: body bytes for the transfer in `userdata`.
private let curlWriteBody: ccurl_write_callback = { pointer, size, count, userdata in
    guard let userdata else { return 0 }
    let length = size * count
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(userdata).takeUnretainedValue()
    guard length > 0, let pointer else { return length }
    return transfer.receiveBody(UnsafeRawBufferPointer(start: pointer, count: length)) ? length : 0
}

/// CURLOPT_HEADERFUNCTION: one header line for the transfer in `userdata`.
private let curlWriteHeader: ccurl_write_callback = { pointer, size, count, userdata in
    guard let userdata else { return 0 }
    let length = size * count
    guard length > 0, let pointer else { return length }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(userdata).takeUnretainedValue()
    pointer.withMemoryRebound(to: UInt8.self, capacity: length) {
        transfer.receiveHeaderLine(UnsafeBufferPointer(start: $0, count: length))
    }
    return length
}
