import Foundation
import ModelOpsAPI
import Testing

/// Every `modelops.io/` label, annotation and finalizer the product writes or reads is named in
/// `WireContract` and nowhere else: a second spelling in a controller or the CLI would be a
/// second contract that can drift from the first.
@Suite("Wire contract")
struct WireContractTests {
    /// `"modelops.io/…"` string literals that are not labels, annotations or finalizers.
    static let notKeys: Set<String> = [
        "modelops.io/v1alpha1",  // the API version
        "modelops.io/operator",  // the events' reporting controller
    ]

    @Test("no modelops.io/ key is spelled outside WireContract.swift in the product's sources")
    func oneSpelling() throws {
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources")
        // The test server and the benchmarks are not the product: they play other parties.
        let modules = ["ModelOpsAPI", "ModelOpsControllers", "ModelOpsCLI", "modelops", "kubectl-modelops", "KubeRuntime", "KubeClient"]
        let pattern = try Regex(#""modelops\.io/[a-z0-9-]+""#)
        var found: [String] = []
        for module in modules {
            let root = sources.appendingPathComponent(module)
            guard let files = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) else { continue }
            for case let file as URL in files where file.pathExtension == "swift" && file.lastPathComponent != "WireContract.swift" {
                let text = try String(contentsOf: file, encoding: .utf8)
                for match in text.matches(of: pattern) {
                    let key = String(text[match.range].dropFirst().dropLast())
                    if !Self.notKeys.contains(key) { found.append("\(module)/\(file.lastPathComponent): \(key)") }
                }
            }
        }
        #expect(found.isEmpty, "spelled outside WireContract: \(found)")
    }

    @Test("the keys are distinct and all under modelops.io/ or Kubernetes' recommended labels")
    func distinct() {
        let keys = [WireContract.Labels.deployment, WireContract.Labels.version, WireContract.Labels.model, WireContract.Labels.role,
                    WireContract.Labels.retrainPolicy, WireContract.Labels.trigger, WireContract.Labels.trainingJob,
                    WireContract.Annotations.appliedHash, WireContract.Annotations.modelVersion, WireContract.Annotations.action,
                    WireContract.Annotations.retrain, WireContract.Annotations.promote, WireContract.Annotations.hyperparameters,
                    WireContract.Annotations.triggerReason, WireContract.Annotations.triggeredAt, WireContract.Annotations.scheduledTime,
                    WireContract.Finalizers.trainingResults]
        #expect(Set(keys).count == keys.count)
        #expect(keys.allSatisfy { $0.hasPrefix("modelops.io/") })
        #expect(WireContract.Labels.managedBy == "app.kubernetes.io/managed-by")
    }
}
