import ArgumentParser
import ModelOpsCRDs

/// `modelops crds`: the CustomResourceDefinitions, for `kubectl apply -f -`.
struct CRDs: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crds", abstract: "Print the ModelOps CustomResourceDefinitions as YAML.")

    func run() {
        print(CRDManifests.combinedYAML, terminator: "")
    }
}
