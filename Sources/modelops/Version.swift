/// The version `modelops --version` prints and the operator logs at start-up.
///
/// Release images set it at build time: the Dockerfile's `VERSION` build argument rewrites the
/// `current` line below with sed before compiling (a test runs that exact sed command against
/// this file), so the binary in the image reports the version it was built as. Local builds
/// report the development version.
enum ModelOpsVersion {
    static let current = "0.1.0-dev"
}
