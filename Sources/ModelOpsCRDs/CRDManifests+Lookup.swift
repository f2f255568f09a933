// `CRDManifests` itself is generated from crds/*.yaml by the EmbedCRDs plugin
// (Plugins/EmbedCRDs); this file adds what callers need on top of it.

extension CRDManifests {
    /// All CRDs as one YAML stream, what `modelops crds` prints for `kubectl apply -f -`.
    /// Each file already starts with `---`; a file that does not gets one.
    public static var combinedYAML: String {
        all.map { entry in
            let text = entry.yaml.hasPrefix("---") ? entry.yaml : "---\n" + entry.yaml
            return text.hasSuffix("\n") ? text : text + "\n"
        }.joined()
    }

    /// The text of one file, by name (`modelops.io_trainingjobs.yaml`).
    public static func yaml(named name: String) -> String? {
        all.first { $0.name == name }?.yaml
    }
}
