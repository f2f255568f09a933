import CCurl

extension TransportError {
    /// Maps a failed transfer's CURLcode. `requestSent` tells a connect timeout (retryable: no
    /// byte of the request left) from a total timeout. Through a proxy every TCP connect goes to
    /// the proxy, so a failed connect or a non-2xx answer to CONNECT (`proxyConnectStatus`) is
    /// the proxy's failure.
    init(curlCode code: CURLcode, message: String, requestSent: Bool, viaProxy: Bool, proxyConnectStatus: Int) {
        let text = message.isEmpty ? String(cString: curl_easy_strerror(code)) : message
        if viaProxy && (code == CURLE_COULDNT_CONNECT || (proxyConnectStatus != 0 && !(200..<300).contains(proxyConnectStatus))) {
            self = .proxy(text)
            return
        }
        switch code {
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_CONNECT:
            self = .connectFailed(text)
        case CURLE_COULDNT_RESOLVE_PROXY, CURLE_PROXY:
            self = .proxy(text)
        case CURLE_OPERATION_TIMEDOUT:
            self = requestSent ? .timedOut : .connectFailed(text)
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER,
             CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ENGINE_NOTFOUND, CURLE_SSL_ENGINE_SETFAILED, CURLE_SSL_ENGINE_INITFAILED,
             CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH, CURLE_SSL_INVALIDCERTSTATUS, CURLE_SSL_CRL_BADFILE,
             CURLE_SSL_SHUTDOWN_FAILED, CURLE_SSL_CLIENTCERT, CURLE_USE_SSL_FAILED:
            self = .tls(text)
        case CURLE_ABORTED_BY_CALLBACK, CURLE_WRITE_ERROR:
            // Only our own callbacks abort or refuse bytes, and only when the consumer went away.
            self = .cancelled
        default:
            self = .other(code: Int(code.rawValue), message: text)
        }
    }
}
