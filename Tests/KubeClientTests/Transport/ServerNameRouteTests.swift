@testable import KubeClient
import Testing

@Suite("Transport: serverName routing")
struct ServerNameRouteTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var url: String
        var serverName: String
        var expected: ServerNameRoute?
        var testDescription: String { "\(url) as \(serverName)" }
    }

    static let cases: [Case] = [
        Case(url: "https://10.0.0.1:6443/api/v1/pods?watch=1", serverName: "kubernetes",
             expected: route("https://kubernetes:6443/api/v1/pods?watch=1", "kubernetes:6443:10.0.0.1:6443", "10.0.0.1:6443")),
        Case(url: "https://api.example.com/version", serverName: "internal.example",
             expected: route("https://internal.example:443/version", "internal.example:443:api.example.com:443", "api.example.com")),
        Case(url: "https://[fd00::1]:6443", serverName: "kubernetes",
             expected: route("https://kubernetes:6443", "kubernetes:6443:[fd00::1]:6443", "[fd00::1]:6443")),
        Case(url: "https://user@10.0.0.1:6443/x", serverName: "k",
             expected: route("https://k:6443/x", "k:6443:10.0.0.1:6443", "10.0.0.1:6443")),
        Case(url: "not a url", serverName: "k", expected: nil),
        Case(url: "ftp://host/x", serverName: "k", expected: nil),
    ]

    static func route(_ url: String, _ connectTo: String, _ host: String) -> ServerNameRoute {
        var route = ServerNameRoute(url: "https://x", serverName: "x")!
        route.url = url
        route.connectTo = connectTo
        route.hostHeader = host
        return route
    }

    @Test(arguments: cases)
    func rewrite(_ example: Case) {
        #expect(ServerNameRoute(url: example.url, serverName: example.serverName) == example.expected)
    }
}
