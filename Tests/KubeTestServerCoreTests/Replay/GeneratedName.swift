/// Names the server (or a controller) generated from a prefix: `generateName` objects
/// (`gen-65wgk`), a Job's pods (`train-sgc2v`), the service-account volume (`kube-api-access-dfhzf`).
/// Their last five characters come from apimachinery's random-string alphabet (no vowels, no
/// 0, 1 or 3), so they differ between servers and are compared by prefix.
enum GeneratedName {
    static let alphabet = Set("bcdfghjklmnpqrstvwxz2456789")

    /// `gen-65wgk` → `gen-*`; any other name unchanged.
    static func pattern(_ name: String) -> String {
        guard name.count > 6 else { return name }
        let suffix = name.suffix(5)
        let dash = name.index(name.endIndex, offsetBy: -6)
        guard name[dash] == "-", suffix.allSatisfy(alphabet.contains) else { return name }
        return name[...dash] + "*"
    }
}
