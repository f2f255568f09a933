import KubeCore
import Synchronization

/// The Gateway API CRDs a test server installs at start, as a cluster with Gateway API has them.
///
/// The real ones are the kubernetes-sigs/gateway-api releases kept in `../shared/gateway-api`
/// (``fileNames(_:)``); tests read them from there when the folder exists and pass the YAML in
/// through `APIServer.Configuration.gatewayAPICRDs`. Without the folder (a fresh clone), the
/// built-in ``httpRouteCRD`` stands in.
public enum GatewayAPI {
    /// A Gateway API release as the shared folder holds it.
    public enum Release: Sendable {
        /// GatewayClass, Gateway, HTTPRoute and ReferenceGrant of v1.6.1.
        case v1_6_1
        /// The HTTPRoute of v1.2.1 alone, whose standard channel has no `requestMirror.percent`
        /// or `fraction` (added in v1.3): "a cluster with Gateway API v1.2".
        case v1_2_1
    }

    /// The release's CRD files in the shared gateway-api folder.
    public static func fileNames(_ release: Release) -> [String] {
        switch release {
        case .v1_6_1:
            return ["gatewayclasses-v1.6.1.yaml", "gateways-v1.6.1.yaml", "httproutes-v1.6.1.yaml", "referencegrants-v1.6.1.yaml"]
        case .v1_2_1:
            return ["httproutes-v1.2.1.yaml"]
        }
    }

    /// The objects of a multi-document YAML text, parsed once per process: every test server
    /// installs the same few hundred kilobytes of CRDs.
    public static func documents(_ yaml: String) throws(YAMLError) -> [JSON] {
        if let hit = parsed.withLock({ $0[yaml] }) { return hit }
        let documents = try JSON.parseYAMLDocuments(yaml)
        parsed.withLock { $0[yaml] = documents }
        return documents
    }

    private static let parsed = Mutex<[String: [JSON]]>([:])

    /// The v1 HTTPRoute CRD (standard channel, trimmed to what traffic routing uses: parentRefs,
    /// hostnames, rules with matches, filters — RequestMirror included — and weighted
    /// backendRefs), for when the real CRDs are not at hand.
    public static let httpRouteCRD = """
    apiVersion: apiextensions.k8s.io/v1
    kind: CustomResourceDefinition
    metadata:
      name: httproutes.gateway.networking.k8s.io
      annotations:
        gateway.networking.k8s.io/bundle-version: v1.2.0
        gateway.networking.k8s.io/channel: standard
    spec:
      group: gateway.networking.k8s.io
      scope: Namespaced
      names: {plural: httproutes, singular: httproute, kind: HTTPRoute, listKind: HTTPRouteList, categories: [gateway-api]}
      versions:
      - name: v1
        served: true
        storage: true
        subresources: {status: {}}
        additionalPrinterColumns:
        - {name: Hostnames, type: string, jsonPath: .spec.hostnames}
        - {name: Age, type: date, jsonPath: .metadata.creationTimestamp}
        schema:
          openAPIV3Schema:
            description: HTTPRoute provides a way to route HTTP requests.
            type: object
            properties:
              spec:
                description: Spec defines the desired state of HTTPRoute.
                type: object
                properties:
                  parentRefs:
                    description: References to the Gateways this route attaches to.
                    type: array
                    maxItems: 32
                    items:
                      type: object
                      required: [name]
                      properties:
                        group: {type: string, default: gateway.networking.k8s.io}
                        kind: {type: string, default: Gateway}
                        name: {type: string, minLength: 1, maxLength: 253}
                        namespace: {type: string}
                        sectionName: {type: string}
                        port: {type: integer, format: int32, minimum: 1, maximum: 65535}
                  hostnames:
                    type: array
                    maxItems: 16
                    items: {type: string, minLength: 1, maxLength: 253}
                  rules:
                    description: Rules are a list of HTTP matchers, filters and actions.
                    type: array
                    maxItems: 16
                    default: [{matches: [{path: {type: PathPrefix, value: /}}]}]
                    items:
                      type: object
                      properties:
                        name: {type: string}
                        matches:
                          type: array
                          maxItems: 64
                          default: [{path: {type: PathPrefix, value: /}}]
                          items:
                            type: object
                            properties:
                              path:
                                type: object
                                default: {type: PathPrefix, value: /}
                                properties:
                                  type: {type: string, enum: [Exact, PathPrefix, RegularExpression], default: PathPrefix}
                                  value: {type: string, maxLength: 1024, default: /}
                              headers:
                                type: array
                                items:
                                  type: object
                                  required: [name, value]
                                  properties:
                                    type: {type: string, enum: [Exact, RegularExpression], default: Exact}
                                    name: {type: string}
                                    value: {type: string}
                              method: {type: string, enum: [GET, HEAD, POST, PUT, DELETE, CONNECT, OPTIONS, TRACE, PATCH]}
                        filters:
                          type: array
                          maxItems: 16
                          items:
                            type: object
                            required: [type]
                            properties:
                              type: {type: string, enum: [RequestHeaderModifier, ResponseHeaderModifier, RequestMirror, RequestRedirect, URLRewrite, ExtensionRef]}
                              requestMirror:
                                type: object
                                required: [backendRef]
                                properties:
                                  backendRef:
                                    type: object
                                    required: [name]
                                    properties:
                                      group: {type: string, default: ""}
                                      kind: {type: string, default: Service}
                                      name: {type: string}
                                      namespace: {type: string}
                                      port: {type: integer, format: int32, minimum: 1, maximum: 65535}
                                  percent: {type: integer, format: int32, minimum: 0, maximum: 100}
                                  fraction:
                                    type: object
                                    required: [numerator]
                                    properties:
                                      numerator: {type: integer, format: int32, minimum: 0}
                                      denominator: {type: integer, format: int32, minimum: 1, default: 100}
                              requestHeaderModifier: {type: object, x-kubernetes-preserve-unknown-fields: true}
                              responseHeaderModifier: {type: object, x-kubernetes-preserve-unknown-fields: true}
                              requestRedirect: {type: object, x-kubernetes-preserve-unknown-fields: true}
                              urlRewrite: {type: object, x-kubernetes-preserve-unknown-fields: true}
                              extensionRef: {type: object, x-kubernetes-preserve-unknown-fields: true}
                            x-kubernetes-validations:
                            - {rule: "!(has(self.requestMirror) && self.type != 'RequestMirror')", message: filter.requestMirror must be nil if the filter.type is not RequestMirror}
                            - {rule: "!(!has(self.requestMirror) && self.type == 'RequestMirror')", message: filter.requestMirror must be specified for RequestMirror filter.type}
                        backendRefs:
                          type: array
                          maxItems: 16
                          items:
                            type: object
                            required: [name]
                            properties:
                              group: {type: string, default: ""}
                              kind: {type: string, default: Service}
                              name: {type: string, minLength: 1, maxLength: 253}
                              namespace: {type: string}
                              port: {type: integer, format: int32, minimum: 1, maximum: 65535}
                              weight: {type: integer, format: int32, minimum: 0, maximum: 1000000, default: 1}
                              filters: {type: array, items: {type: object, x-kubernetes-preserve-unknown-fields: true}}
                        timeouts: {type: object, x-kubernetes-preserve-unknown-fields: true}
              status:
                description: Status defines the current state of HTTPRoute.
                type: object
                properties:
                  parents:
                    type: array
                    maxItems: 32
                    items:
                      type: object
                      required: [parentRef, controllerName]
                      properties:
                        parentRef: {type: object, x-kubernetes-preserve-unknown-fields: true}
                        controllerName: {type: string}
                        conditions:
                          type: array
                          x-kubernetes-list-type: map
                          x-kubernetes-list-map-keys: [type]
                          items:
                            type: object
                            required: [type, status]
                            properties:
                              type: {type: string}
                              status: {type: string}
                              reason: {type: string}
                              message: {type: string}
                              observedGeneration: {type: integer, format: int64}
                              lastTransitionTime: {type: string, format: date-time}
    """
}
