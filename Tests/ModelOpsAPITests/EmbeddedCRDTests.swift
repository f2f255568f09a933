import KubeCore
import ModelOpsCRDs
import Testing

@Suite("CRDs embedded by the EmbedCRDs plugin")
struct EmbeddedCRDTests {
    @Test func embeddedTextEqualsTheFiles() throws {
        let files = try Repository.files(in: "crds", suffix: ".yaml").filter { $0 != "kustomization.yaml" }
        #expect(CRDManifests.all.map(\.name).sorted() == files)
        for entry in CRDManifests.all {
            #expect(entry.yaml == (try Repository.text("crds/\(entry.name)")), "\(entry.name) differs from the file")
        }
    }

    @Test func orderFollowsTheKustomization() {
        #expect(CRDManifests.all.map(\.name) == [
            "modelops.io_modeldeployments.yaml",
            "modelops.io_trainingjobs.yaml",
            "modelops.io_retrainpolicies.yaml",
        ])
    }

    @Test func combinedStreamHoldsEveryCRDOnce() throws {
        let documents = try JSON.parseYAMLDocuments(CRDManifests.combinedYAML)
        #expect(documents.compactMap { $0[path: ["metadata", "name"]]?.stringValue } == [
            "modeldeployments.modelops.io", "trainingjobs.modelops.io", "retrainpolicies.modelops.io",
        ])
        #expect(CRDManifests.yaml(named: "modelops.io_trainingjobs.yaml") == CRDManifests.all[1].yaml)
        #expect(CRDManifests.yaml(named: "nope.yaml") == nil)
    }
}
