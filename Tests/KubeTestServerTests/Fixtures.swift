import TestSupport
/// A CRD exercising what the server must honour: defaults, enum, bounds, pattern, CEL (one with
/// fieldPath, one transition rule), status subresource, printer columns (one priority 1, one
/// condition filter), a preserved free-form area.
let gizmoCRD = """
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: gizmos.golden.example.com
spec:
  group: golden.example.com
  scope: Namespaced
  names: {plural: gizmos, singular: gizmo, kind: Gizmo, shortNames: [gz], categories: [golden]}
  versions:
  - name: v1
    served: true
    storage: true
    subresources: {status: {}, scale: {specReplicasPath: .spec.replicas, statusReplicasPath: .status.replicas}}
    additionalPrinterColumns:
    - {name: Replicas, type: integer, jsonPath: .spec.replicas}
    - {name: Mode, type: string, jsonPath: .spec.mode}
    - {name: Phase, type: string, jsonPath: .status.phase}
    - {name: Ready, type: string, jsonPath: '.status.conditions[?(@.type=="Ready")].status'}
    - {name: Detail, type: string, jsonPath: .status.message, priority: 1}
    - {name: Age, type: date, jsonPath: .metadata.creationTimestamp}
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            required: [replicas]
            x-kubernetes-validations:
            - {rule: "self.mode != 'Fast' || self.replicas >= 2", message: Fast mode needs at least 2 replicas, fieldPath: .replicas}
            - {rule: "!has(self.steps) || self.steps.all(s, s.weight >= 0 && s.weight <= 100)", message: weights must be between 0 and 100}
            properties:
              replicas: {type: integer, format: int32, minimum: 0, maximum: 50}
              mode: {type: string, enum: [Slow, Fast], default: Slow}
              owner: {type: string, pattern: '^[a-z]+$', maxLength: 10}
              steps:
                type: array
                maxItems: 5
                items:
                  type: object
                  required: [weight]
                  properties:
                    weight: {type: integer}
                    pause: {type: string}
              labels: {type: object, additionalProperties: {type: string}}
              template: {type: object, x-kubernetes-preserve-unknown-fields: true}
              immutable:
                type: string
                x-kubernetes-validations:
                - {rule: self == oldSelf, message: immutable is immutable}
          status:
            type: object
            properties:
              phase: {type: string}
              message: {type: string}
              observedGeneration: {type: integer, format: int64}
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
                    lastTransitionTime: {type: string, format: date-time}
"""

let goldenNamespace = """
apiVersion: v1
kind: Namespace
metadata:
  name: golden
"""

func gizmo(_ name: String, replicas: Int = 1, extra: String = "") -> String {
    """
    apiVersion: golden.example.com/v1
    kind: Gizmo
    metadata:
      name: \(name)
      namespace: golden
    spec:
      replicas: \(replicas)
    \(extra)
    """
}

/// Starts a cluster with the golden namespace and the Gizmo CRD installed, runs `body`, stops it.
func withCluster(rbac: Bool = false, crd: Bool = true, _ body: (TestCluster) async throws -> Void) async throws {
    let cluster = try await TestCluster.start(rbac: rbac)
    do {
        if crd {
            try await cluster.kubectlOK("apply", "-f", "-", stdin: goldenNamespace)
            try await cluster.kubectlOK("apply", "-f", "-", stdin: gizmoCRD)
        }
        try await body(cluster)
    } catch {
        await cluster.stop()
        throw error
    }
    await cluster.stop()
}
