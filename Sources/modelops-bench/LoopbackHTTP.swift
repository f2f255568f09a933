import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Plain HTTP/1.0 GETs to listeners on 127.0.0.1 (an operator's /readyz and /metrics, a peer's
/// health endpoint, the playground's request counts), and free ports to give such listeners.
/// Blocking sockets: each call is one short loopback exchange.
enum LoopbackHTTP {
    struct Response {
        var status: Int
        var body: [UInt8]
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    /// The port and path of an `http://127.0.0.1:<port>/<path>` (or localhost) URL.
    static func parse(_ url: String) -> (port: Int, path: String)? {
        guard let parsed = URL(string: url), parsed.scheme == "http", ["127.0.0.1", "localhost"].contains(parsed.host ?? ""),
              let port = parsed.port else { return nil }
        let path = parsed.path.isEmpty ? "/" : parsed.path
        return (port, parsed.query.map { path + "?" + $0 } ?? path)
    }

    static func get(_ url: String, timeout: Int = 10) -> Response? {
        parse(url).flatMap { get(port: $0.port, path: $0.path, timeout: timeout) }
    }

    /// nil when nothing answers (not listening yet, a reset, or no answer within `timeout` seconds).
    static func get(port: Int, path: String, timeout: Int = 10) -> Response? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var limit = timeval(tv_sec: timeout, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        var address = loopback(port: port)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { return nil }
        let request = Array("GET \(path) HTTP/1.0\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n\r\n".utf8)
        guard request.withUnsafeBytes({ send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }) == request.count else { return nil }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count < 0 { return nil }
            if count == 0 { break }
            received += buffer[0..<count]
        }
        // "HTTP/1.1 200 OK\r\n…\r\n\r\nbody"
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        guard let end = (0..<max(0, received.count - 3)).first(where: { received[$0..<$0 + 4].elementsEqual(separator) }) else { return nil }
        let statusLine = String(decoding: received.prefix(while: { $0 != 13 }), as: UTF8.self)
        let parts = statusLine.split(separator: " ")
        guard parts.count >= 2, let status = Int(parts[1]) else { return nil }
        return Response(status: status, body: Array(received[(end + 4)...]))
    }

    /// A port nothing listens on now (the kernel's pick), for a child process to bind.
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EMFILE) }
        defer { close(fd) }
        var address = loopback(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        guard bound else { throw POSIXError(.EADDRINUSE) }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    private static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }
}
