import Foundation
import KubeCore
import Testing
import TestSupport

/// What a user sees when a command cannot do what was asked: one line on standard error naming
/// the object, the namespace or the refusal (the API server's own message kept), nothing on
/// standard output, and a non-zero exit.
@Suite("modelops user action errors", .serialized)
struct UserActionErrorTests {
    static func expectOneLine(_ result: CommandResult, _ expected: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(result.status != 0, "\(result)", sourceLocation: sourceLocation)
        #expect(result.stdout.isEmpty, "\(result)", sourceLocation: sourceLocation)
        #expect(result.stderr == "modelops: \(expected)\n", "\(result)", sourceLocation: sourceLocation)
    }

    @Test("unknown names, kinds and flags; actions that do not apply; the namespace from the kubeconfig context")
    func badInput() async throws {
        try await ActionStack.with(operator: false) { stack in
            Self.expectOneLine(try await stack.modelops("status", "nothing"),
                               "no modeldeployment, retrainpolicy or trainingjob named \"nothing\" in namespace \"ml\"")
            Self.expectOneLine(try await stack.modelops("status", "mdep/nothing"), "modeldeployment \"nothing\" not found in namespace \"ml\"")
            Self.expectOneLine(try await stack.modelops("lineage", "tj/nothing"), "trainingjob \"nothing\" not found in namespace \"ml\"")
            Self.expectOneLine(try await stack.modelops("abort", "nothing"), "modeldeployment \"nothing\" not found in namespace \"ml\"")
            Self.expectOneLine(try await stack.modelops("retrain", "nothing"), "retrainpolicy \"nothing\" not found in namespace \"ml\"")
            Self.expectOneLine(try await stack.modelops("abort", "rtp/nightly"), "abort applies to modeldeployments, not to retrainpolicies")
            Self.expectOneLine(try await stack.modelops("history", "tj/run-1"),
                               "history applies to modeldeployments or retrainpolicies, not to trainingjobs")
            Self.expectOneLine(try await stack.modelops("status", "pods/churn"),
                               "unknown kind \"pods\" in \"pods/churn\": use mdep/NAME, rtp/NAME or tj/NAME")
            let flag = try await stack.modelops("status", "churn", "--outptu", "json")
            #expect(flag.status != 0 && flag.stderr.hasPrefix("modelops: ") && flag.stderr.contains("--outptu")
                    && flag.stderr.split(separator: "\n").count == 1, "\(flag)")
            let format = try await stack.modelops("status", "churn", "-o", "yaml")
            #expect(format.status != 0 && format.stderr.contains("yaml") && format.stderr.split(separator: "\n").count == 1, "\(format)")

            // A ModelDeployment with nothing rolled out yet: nothing to promote, abort or retry.
            try await stack.apply(ActionFixtures.modelDeployment("churn", version: "v1", steps: "- pause: {}"))
            Self.expectOneLine(try await stack.modelops("promote", "churn"), "modeldeployment \"churn\" has no rollout to promote (phase Pending)")
            Self.expectOneLine(try await stack.modelops("retry", "churn"),
                               "modeldeployment \"churn\" has nothing to retry: version v1 was not rolled back (phase Pending)")
            Self.expectOneLine(try await stack.modelops("promote", "churn", "--version", "v2"),
                               "--version applies to retrainpolicies; a modeldeployment promotes its candidate")
            let object = await stack.object("modeldeployments", "churn")
            #expect(object?[path: ["metadata", "annotations", "modelops.io/action"]] == nil, "a refused action writes nothing")

            // Without -n: the namespace of the kubeconfig's context, else "default".
            let bare = try await ActionStack.run(try ActionStack.binary(), ["status", "churn", "--kubeconfig", stack.cluster.kubeconfig])
            Self.expectOneLine(bare, "no modeldeployment, retrainpolicy or trainingjob named \"churn\" in namespace \"default\"")
            let inML = stack.cluster.dir.appendingPathComponent("ml.kubeconfig").path
            try stack.cluster.server.writeKubeconfig(to: inML, namespace: "ml")
            let fromContext = try await ActionStack.run(try ActionStack.binary(), ["status", "churn", "-o", "json", "--kubeconfig", inML])
            #expect(fromContext.status == 0 && fromContext.stdout.json["namespace"]?.stringValue == "ml", "\(fromContext)")
            // ... and $KUBECONFIG when there is no --kubeconfig.
            let fromEnvironment = try await ActionStack.run(try ActionStack.binary(), ["status", "churn"], environment: ["KUBECONFIG": inML])
            #expect(fromEnvironment.status == 0 && fromEnvironment.stdout.hasPrefix("modeldeployment/churn  namespace ml  Unknown"),
                    "\(fromEnvironment)")
        }
    }

    @Test("a request the API server refuses keeps its message: RBAC forbidden")
    func forbidden() async throws {
        try await ActionStack.with(operator: false, rbac: true) { stack in
            let viewer = stack.cluster.dir.appendingPathComponent("viewer.kubeconfig").path
            try stack.cluster.server.writeKubeconfig(to: viewer, for: .serviceAccount(namespace: "ml", name: "viewer"))
            let result = try await ActionStack.run(try ActionStack.binary(), ["status", "mdep/churn", "-n", "ml", "--kubeconfig", viewer])
            Self.expectOneLine(result, #"cannot get modeldeployment "churn": modeldeployments.modelops.io "churn" is forbidden: "#
                               + #"User "system:serviceaccount:ml:viewer" cannot get resource "modeldeployments" in API group "modelops.io" in the namespace "ml""#)
        }
    }

    @Test("an unreachable API server is one line naming it")
    func unreachable() async throws {
        let dir = try Repository.temporaryDirectory()
        let kubeconfig = dir.appendingPathComponent("nowhere.kubeconfig").path
        try """
            apiVersion: v1
            kind: Config
            clusters:
            - name: nowhere
              cluster: {server: "https://127.0.0.1:1", insecure-skip-tls-verify: true}
            users:
            - name: someone
              user: {token: abc}
            contexts:
            - name: nowhere
              context: {cluster: nowhere, user: someone, namespace: ml}
            current-context: nowhere
            """.write(toFile: kubeconfig, atomically: true, encoding: .utf8)
        let result = try await ActionStack.run(try ActionStack.binary(), ["status", "churn", "--kubeconfig", kubeconfig])
        #expect(result.status != 0 && result.stdout.isEmpty, "\(result)")
        #expect(result.stderr.hasPrefix("modelops: cannot reach the API server at https://127.0.0.1:1: ")
                && result.stderr.split(separator: "\n").count == 1, "\(result)")
    }
}
