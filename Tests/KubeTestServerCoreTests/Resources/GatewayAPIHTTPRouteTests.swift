import KubeCore
import KubeTestServerCore
import Testing

/// HTTPRoutes against the real v1.6.1 HTTPRoute CRD: what it refuses is refused with the CRD's own
/// message (its `x-kubernetes-validations` and patterns), what it accepts is stored. The messages
/// are the CRD's text; no recorded exchange pins these routes.
@Suite(.enabled(if: GatewayAPIFiles.available, "needs ../shared/gateway-api"))
struct GatewayAPIHTTPRouteTests {
    static let routes = "/apis/gateway.networking.k8s.io/v1/namespaces/default/httproutes"
    static let hostnamePattern = #"^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"#
    static let sectionNamePattern = #"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"#

    /// A canary route: 90% to the stable Service, 10% to the canary.
    static let canary = """
        parentRefs: [{name: public-gateway}]
        hostnames: [models.example.com]
        rules:
        - matches: [{path: {type: PathPrefix, value: /predict}}]
          backendRefs:
          - {name: fraud-stable, port: 8080, weight: 90}
          - {name: fraud-canary, port: 8080, weight: 10}
        """

    static func route(_ spec: String, name: String = "fraud") throws -> JSON {
        try JSON.parseYAML("""
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata: {name: \(name), namespace: default}
            spec:
            \(spec.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }.joined(separator: "\n"))
            """)
    }

    /// A route the real CRD refuses, the field and the message of the cause it must carry.
    struct Refusal: Sendable, CustomStringConvertible {
        var description: String
        var spec: String
        var field: String
        var message: String
    }

    static let refusals: [Refusal] = [
        Refusal(description: "upper-case hostname", spec: """
            parentRefs: [{name: public-gateway}]
            hostnames: [Models.Example.com]
            rules: [{backendRefs: [{name: fraud-stable, port: 8080}]}]
            """, field: "spec.hostnames[0]",
            message: "Invalid value: \"Models.Example.com\": spec.hostnames[0] in body should match '\(hostnamePattern)'"),
        Refusal(description: "host:port hostname", spec: """
            parentRefs: [{name: public-gateway}]
            hostnames: ["models.example.com:8443"]
            rules: [{backendRefs: [{name: fraud-stable, port: 8080}]}]
            """, field: "spec.hostnames[0]",
            message: "Invalid value: \"models.example.com:8443\": spec.hostnames[0] in body should match '\(hostnamePattern)'"),
        Refusal(description: "sectionName with upper case and underscore", spec: """
            parentRefs: [{name: public-gateway, sectionName: HTTP_Listener}]
            rules: [{backendRefs: [{name: fraud-stable, port: 8080}]}]
            """, field: "spec.parentRefs[0].sectionName",
            message: "Invalid value: \"HTTP_Listener\": spec.parentRefs[0].sectionName in body should match '\(sectionNamePattern)'"),
        Refusal(description: "two parentRefs to one parent, neither with a sectionName", spec: """
            parentRefs: [{name: public-gateway}, {name: public-gateway}]
            rules: [{backendRefs: [{name: fraud-stable, port: 8080}]}]
            """, field: "spec.parentRefs",
            message: "Invalid value: sectionName must be unique when parentRefs includes 2 or more references to the same parent"),
        Refusal(description: "two parentRefs to one parent, one without a sectionName", spec: """
            parentRefs: [{name: public-gateway, sectionName: http}, {name: public-gateway}]
            rules: [{backendRefs: [{name: fraud-stable, port: 8080}]}]
            """, field: "spec.parentRefs",
            message: "Invalid value: sectionName must be specified when parentRefs includes 2 or more references to the same parent"),
        Refusal(description: "Service backendRef without a port", spec: """
            parentRefs: [{name: public-gateway}]
            rules: [{backendRefs: [{name: fraud-stable}]}]
            """, field: "spec.rules[0].backendRefs[0]", message: "Invalid value: Must have port for Service reference"),
        Refusal(description: "requestMirror with both percent and fraction", spec: """
            parentRefs: [{name: public-gateway}]
            rules:
            - backendRefs: [{name: fraud-stable, port: 8080}]
              filters:
              - type: RequestMirror
                requestMirror: {backendRef: {name: fraud-shadow, port: 8080}, percent: 10, fraction: {numerator: 1, denominator: 10}}
            """, field: "spec.rules[0].filters[0].requestMirror",
            message: "Invalid value: Only one of percent or fraction may be specified in HTTPRequestMirrorFilter"),
        Refusal(description: "mirror fraction above one", spec: """
            parentRefs: [{name: public-gateway}]
            rules:
            - backendRefs: [{name: fraud-stable, port: 8080}]
              filters:
              - type: RequestMirror
                requestMirror: {backendRef: {name: fraud-shadow, port: 8080}, fraction: {numerator: 20, denominator: 10}}
            """, field: "spec.rules[0].filters[0].requestMirror.fraction",
            message: "Invalid value: numerator must be less than or equal to denominator"),
        Refusal(description: "mirror to a Service without a port", spec: """
            parentRefs: [{name: public-gateway}]
            rules:
            - backendRefs: [{name: fraud-stable, port: 8080}]
              filters: [{type: RequestMirror, requestMirror: {backendRef: {name: fraud-shadow}, percent: 10}}]
            """, field: "spec.rules[0].filters[0].requestMirror.backendRef",
            message: "Invalid value: Must have port for Service reference"),
        Refusal(description: "path value not starting with /", spec: """
            parentRefs: [{name: public-gateway}]
            rules:
            - matches: [{path: {type: PathPrefix, value: predict}}]
              backendRefs: [{name: fraud-stable, port: 8080}]
            """, field: "spec.rules[0].matches[0].path",
            message: "Invalid value: value must be an absolute path and start with '/' when type one of ['Exact', 'PathPrefix']"),
        Refusal(description: "path with //", spec: """
            parentRefs: [{name: public-gateway}]
            rules:
            - matches: [{path: {type: Exact, value: /v1//predict}}]
              backendRefs: [{name: fraud-stable, port: 8080}]
            """, field: "spec.rules[0].matches[0].path",
            message: "Invalid value: must not contain '//' when type one of ['Exact', 'PathPrefix']"),
        Refusal(description: "path with a fragment", spec: """
            parentRefs: [{name: public-gateway}]
            rules:
            - matches: [{path: {type: Exact, value: "/predict#top"}}]
              backendRefs: [{name: fraud-stable, port: 8080}]
            """, field: "spec.rules[0].matches[0].path",
            message: "Invalid value: must not contain '#' when type one of ['Exact', 'PathPrefix']"),
        Refusal(description: "the same filter type twice in a rule", spec: """
            parentRefs: [{name: public-gateway}]
            rules:
            - backendRefs: [{name: fraud-stable, port: 8080}]
              filters:
              - {type: RequestHeaderModifier, requestHeaderModifier: {set: [{name: x-model, value: a}]}}
              - {type: RequestHeaderModifier, requestHeaderModifier: {set: [{name: x-model, value: b}]}}
            """, field: "spec.rules[0].filters", message: "Invalid value: RequestHeaderModifier filter cannot be repeated"),
        Refusal(description: "RequestMirror filter without requestMirror", spec: """
            parentRefs: [{name: public-gateway}]
            rules:
            - backendRefs: [{name: fraud-stable, port: 8080}]
              filters: [{type: RequestMirror}]
            """, field: "spec.rules[0].filters[0]",
            message: "Invalid value: filter.requestMirror must be specified for RequestMirror filter.type"),
        Refusal(description: "requestMirror on a filter of another type", spec: """
            parentRefs: [{name: public-gateway}]
            rules:
            - backendRefs: [{name: fraud-stable, port: 8080}]
              filters:
              - type: RequestHeaderModifier
                requestHeaderModifier: {set: [{name: x-model, value: a}]}
                requestMirror: {backendRef: {name: fraud-shadow, port: 8080}}
            """, field: "spec.rules[0].filters[0]",
            message: "Invalid value: filter.requestMirror must be nil if the filter.type is not RequestMirror"),
        Refusal(description: "RequestRedirect together with backendRefs", spec: """
            parentRefs: [{name: public-gateway}]
            rules:
            - backendRefs: [{name: fraud-stable, port: 8080}]
              filters: [{type: RequestRedirect, requestRedirect: {scheme: https}}]
            """, field: "spec.rules[0]", message: "Invalid value: RequestRedirect filter must not be used together with backendRefs"),
        Refusal(description: "RequestRedirect and URLRewrite in one rule", spec: """
            parentRefs: [{name: public-gateway}]
            rules:
            - filters:
              - {type: RequestRedirect, requestRedirect: {scheme: https}}
              - {type: URLRewrite, urlRewrite: {hostname: models.example.com}}
            """, field: "spec.rules[0].filters",
            message: "Invalid value: May specify either httpRouteFilterRequestRedirect or httpRouteFilterRequestRewrite, but not both"),
        Refusal(description: "prefix rewrite without exactly one PathPrefix match", spec: """
            parentRefs: [{name: public-gateway}]
            rules:
            - matches: [{path: {type: Exact, value: /predict}}]
              backendRefs: [{name: fraud-stable, port: 8080}]
              filters:
              - {type: URLRewrite, urlRewrite: {path: {type: ReplacePrefixMatch, replacePrefixMatch: /v2}}}
            """, field: "spec.rules[0]",
            message: "Invalid value: When using URLRewrite filter with path.replacePrefixMatch, exactly one PathPrefix match must be specified"),
        Refusal(description: "backend timeout longer than the request timeout", spec: """
            parentRefs: [{name: public-gateway}]
            rules:
            - backendRefs: [{name: fraud-stable, port: 8080}]
              timeouts: {request: 10s, backendRequest: 1m}
            """, field: "spec.rules[0].timeouts",
            message: "Invalid value: backendRequest timeout cannot be longer than request timeout"),
    ]

    @Test(arguments: refusals)
    func refusedWithTheCRDsMessage(_ refusal: Refusal) async throws {
        let api = try await GatewayAPIFiles.sharedV1_6_1.value
        let (status, body) = await GatewayAPIFiles.post(api, Self.routes, try Self.route(refusal.spec))
        #expect(status == 422, "\(body)")
        #expect(body["reason"] == "Invalid")
        let causes = (body[path: ["details", "causes"]]?.arrayValue ?? []).map {
            ($0["field"]?.stringValue ?? "", $0["message"]?.stringValue ?? "")
        }
        #expect(causes.contains { $0 == (refusal.field, refusal.message) }, "causes: \(causes)")
    }

    @Test func canaryWeightsAreAccepted() async throws {
        let api = try await GatewayAPIFiles.sharedV1_6_1.value
        let (status, body) = await GatewayAPIFiles.post(api, Self.routes, try Self.route(Self.canary, name: "canary"))
        #expect(status == 201, "\(body)")
        let rule = body[path: ["spec", "rules"]]?.arrayValue?.first
        #expect(rule?["backendRefs"]?.arrayValue?.compactMap { $0["weight"]?.intValue } == [90, 10])
        // The CRD's defaults are applied: parentRef group and kind, backendRef kind.
        #expect(body[path: ["spec", "parentRefs"]]?.arrayValue?.first?["kind"] == "Gateway")
        #expect(rule?["backendRefs"]?.arrayValue?.first?["kind"] == "Service")
    }

    @Test func mirrorWithPercentAndDistinctSectionNamesAreAccepted() async throws {
        let api = try await GatewayAPIFiles.sharedV1_6_1.value
        let (status, body) = await GatewayAPIFiles.post(api, Self.routes, try Self.route("""
            parentRefs: [{name: public-gateway, sectionName: http}, {name: public-gateway, sectionName: https}]
            hostnames: ["*.models.example.com"]
            rules:
            - matches: [{path: {type: PathPrefix, value: /}}]
              backendRefs: [{name: fraud-stable, port: 8080}]
              filters:
              - type: RequestMirror
                requestMirror: {backendRef: {name: fraud-shadow, port: 8080}, percent: 25}
              timeouts: {request: 30s, backendRequest: 10s}
            """, name: "mirror"))
        #expect(status == 201, "\(body)")
        let filter = body[path: ["spec", "rules"]]?.arrayValue?.first?["filters"]?.arrayValue?.first
        #expect(filter?[path: ["requestMirror", "percent"]] == 25)
    }
}
