import Foundation
import KubeCore
import ModelOpsControllers
import Testing
import TestSupport

/// manifests/ as `kubectl kustomize` renders it: everything the issue lists, secured as listed,
/// and RBAC that is exactly what the operator uses.
@Suite("manifests/")
struct ManifestTests {
    @Test("renders cleanly, with the namespace, CRDs, RBAC, operator Deployment and metrics Service")
    func renders() async throws {
        let rendered = try await Rendered.manifests()
        let kinds = Set(rendered.objects.compactMap { $0["kind"]?.stringValue })
        #expect(kinds == ["Namespace", "CustomResourceDefinition", "ServiceAccount", "ClusterRole", "ClusterRoleBinding",
                          "Role", "RoleBinding", "Deployment", "Service"])
        #expect(Set(rendered.all("CustomResourceDefinition").compactMap { $0[path: ["metadata", "name"]]?.stringValue })
                == ["modeldeployments.modelops.io", "trainingjobs.modelops.io", "retrainpolicies.modelops.io"])
        for object in rendered.objects where object["kind"]?.stringValue != "Namespace" {
            let kind = object["kind"]?.stringValue ?? ""
            if ["CustomResourceDefinition", "ClusterRole", "ClusterRoleBinding"].contains(kind) { continue }
            #expect(object[path: ["metadata", "namespace"]]?.stringValue == "modelops-system", "\(kind) in modelops-system")
        }
        let binding = try rendered.one("ClusterRoleBinding", "modelops-manager")
        #expect(binding[path: ["roleRef", "name"]]?.stringValue == "modelops-manager")
        #expect(binding["subjects"]?.arrayValue?.first?["namespace"]?.stringValue == "modelops-system")
        #expect(binding["subjects"]?.arrayValue?.first?["name"]?.stringValue == "modelops")
        let service = try rendered.one("Service", "modelops-operator-metrics")
        #expect(service[path: ["spec", "ports"]]?.arrayValue?.first?["targetPort"]?.stringValue == "metrics")
    }

    @Test("the Deployment: 2 replicas with leader election, probes, resources, and a locked-down security context")
    func deployment() async throws {
        let deployment = try await Rendered.manifests().one("Deployment", "modelops-operator")
        #expect(deployment[path: ["spec", "replicas"]]?.intValue == 2)
        let pod = try #require(deployment[path: ["spec", "template", "spec"]])
        #expect(pod["serviceAccountName"]?.stringValue == "modelops")
        #expect(pod[path: ["securityContext", "runAsNonRoot"]]?.boolValue == true)
        #expect(pod[path: ["securityContext", "seccompProfile", "type"]]?.stringValue == "RuntimeDefault")
        let container = try #require(pod["containers"]?.arrayValue?.first)
        let args = container["args"]?.arrayValue?.compactMap(\.stringValue) ?? []
        #expect(args.first == "run" && args.contains("--leader-elect"))
        #expect(args.contains("--health-probe-bind-address=:8081") && args.contains("--metrics-bind-address=:8443"))
        #expect(args.contains("--metrics-secure"), "metrics over HTTPS with authorization, as kubebuilder v4 ships it")
        #expect(container["command"] == nil, "the image's ENTRYPOINT is the binary; the Deployment passes args only")
        let security = try #require(container["securityContext"])
        #expect(security["allowPrivilegeEscalation"]?.boolValue == false)
        #expect(security["readOnlyRootFilesystem"]?.boolValue == true)
        #expect(security["runAsNonRoot"]?.boolValue == true)
        #expect(security[path: ["capabilities", "drop"]]?.arrayValue == ["ALL"])
        #expect(security[path: ["seccompProfile", "type"]]?.stringValue == "RuntimeDefault")
        #expect(container[path: ["livenessProbe", "httpGet", "path"]]?.stringValue == "/healthz")
        #expect(container[path: ["readinessProbe", "httpGet", "path"]]?.stringValue == "/readyz")
        let ports = Dictionary(uniqueKeysWithValues: (container["ports"]?.arrayValue ?? []).compactMap { port in
            port["name"]?.stringValue.map { ($0, Int(port["containerPort"]?.intValue ?? 0)) }
        })
        #expect(ports == ["metrics": 8443, "probes": 8081])
        #expect(container[path: ["livenessProbe", "httpGet", "port"]]?.stringValue == "probes")
        #expect(container[path: ["readinessProbe", "httpGet", "port"]]?.stringValue == "probes")
        for kind in ["requests", "limits"] {
            #expect(container[path: ["resources", kind, "cpu"]] != nil && container[path: ["resources", kind, "memory"]] != nil,
                    "resources.\(kind)")
        }
        let env = (container["env"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue }
        #expect(env.contains("POD_NAMESPACE") && env.contains("POD_NAME"))
    }

    @Test("the ClusterRole and leader-election Role grant exactly OperatorPermissions (least privilege, nothing missing)")
    func rbacMatchesTheOperator() async throws {
        let rendered = try await Rendered.manifests()
        func grants(_ role: JSON) -> Set<String> {
            var out: Set<String> = []
            for rule in role["rules"]?.arrayValue ?? [] {
                for group in rule["apiGroups"]?.arrayValue ?? [] {
                    for resource in rule["resources"]?.arrayValue ?? [] {
                        for verb in rule["verbs"]?.arrayValue ?? [] {
                            out.insert("\(verb.stringValue ?? "?") \(group.stringValue ?? "?")/\(resource.stringValue ?? "?")")
                        }
                    }
                }
            }
            return out
        }
        func expected(_ rules: [RBACRule]) -> Set<String> {
            Set(rules.flatMap { rule in rule.resources.flatMap { resource in rule.verbs.map { "\($0) \(rule.group)/\(resource)" } } })
        }
        #expect(grants(try rendered.one("ClusterRole", "modelops-manager")) == expected(OperatorPermissions.cluster))
        #expect(grants(try rendered.one("Role", "modelops-leader-election")) == expected(OperatorPermissions.leaderElection))
        #expect(grants(try rendered.one("ClusterRole", "modelops-metrics-auth")) == expected(OperatorPermissions.metricsAuthorization))
        let binding = try rendered.one("ClusterRoleBinding", "modelops-metrics-auth")
        #expect(binding[path: ["roleRef", "name"]] == "modelops-metrics-auth")
        #expect(binding["subjects"] == [["kind": "ServiceAccount", "name": "modelops", "namespace": "modelops-system"]])
        // Readers get /metrics and nothing else.
        #expect(try rendered.one("ClusterRole", "modelops-metrics-reader")["rules"] == [["nonResourceURLs": ["/metrics"], "verbs": ["get"]]])
        let everything = rendered.all("ClusterRole") + rendered.all("Role")
        #expect(!everything.contains { role in grants(role).contains { $0.hasPrefix("*") || $0.hasSuffix("/*") } }, "no wildcards")
    }
}
