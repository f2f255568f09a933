import Foundation
import PackagePlugin

/// Makes `crds/*.yaml` available to Swift code (`CRDManifests.all` in ModelOpsCRDs) without a
/// second copy in the repository: the YAML files stay the one source of truth, and every build
/// regenerates the Swift literal from them.
///
/// The order is the `resources:` order of `crds/kustomization.yaml`, so `modelops crds` prints
/// what `kubectl apply -k crds/` applies; files the kustomization does not list follow sorted by
/// name, so a forgotten entry shows up rather than vanishing.
@main
struct EmbedCRDs: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let directory = context.package.directoryURL.appending(path: "crds")
        let kustomization = directory.appending(path: "kustomization.yaml")
        let present = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { ($0.hasSuffix(".yaml") || $0.hasSuffix(".yml")) && $0 != "kustomization.yaml" }
            .sorted()
        var ordered = Self.resources(in: (try? String(contentsOf: kustomization, encoding: .utf8)) ?? "")
            .filter(present.contains)
        ordered += present.filter { !ordered.contains($0) }
        let inputs = ordered.map { directory.appending(path: $0) }
        let output = context.pluginWorkDirectoryURL.appending(path: "CRDManifests.swift")
        return [
            .buildCommand(
                displayName: "Embedding \(inputs.count) CRDs from crds/",
                executable: try context.tool(named: "EmbedCRDsTool").url,
                arguments: [output.path] + inputs.map(\.path),
                inputFiles: inputs + [kustomization],
                outputFiles: [output]
            ),
        ]
    }

    /// The `- file` entries under `resources:` (a line-based reading is enough for the
    /// kustomization we write; anything fancier falls back to sorted order).
    static func resources(in text: String) -> [String] {
        var inResources = false
        var names: [String] = []
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("#") || line.isEmpty { continue }
            if !raw.hasPrefix(" ") && !raw.hasPrefix("-") {
                inResources = line == "resources:"
                continue
            }
            if inResources, line.hasPrefix("- ") {
                names.append(String(line.dropFirst(2)).trimmingCharacters(in: .whitespaces))
            }
        }
        return names
    }
}
