import ArgumentParser
import KubeClient

/// What every operator scenario takes: how many objects, where the API server is, how the
/// operator runs (its defaults are those of `modelops run`), and how chatty the bench is.
struct OperatorBenchOptions: ParsableArguments {
    @Option(help: "Objects (of each kind the scenario uses).")
    var objects = 1_000

    @Option(help: "Run against this cluster instead of the in-process API test server (needs the ModelOps CRDs installed; the bench works in its own namespace and deletes it at the end).")
    var kubeconfig: String?

    @Option(help: "The kubeconfig context to use with --kubeconfig.")
    var context: String?

    @Option(help: "The operator client's requests per second (default: modelops run's -1, no client-side limit).")
    var qps: Double = KubeClient.Options().qps

    @Option(help: "The operator client's burst when --qps is above 0.")
    var burst: Int = KubeClient.Options().burst

    @Option(help: "Reconciles of one kind at once (default: modelops run's --max-concurrent-reconciles 4).")
    var workers = 4

    @Flag(inversion: .prefixedNo, help: "Fill the operator's caches with streaming lists (default: off, as modelops run).")
    var streamingLists = false

    @Option(help: "Give up waiting for objects to settle after this many seconds.")
    var timeout: Double = 1_800

    @Flag(help: "Print the JSON result only (no progress lines on standard error).")
    var json = false

    func validate() throws {
        guard objects > 0 else { throw ValidationError("--objects must be at least 1") }
        guard qps >= 0 || qps == -1 else { throw ValidationError("--qps must be -1 or 0 (no limit), or positive") }
        guard burst >= 1 else { throw ValidationError("--burst must be at least 1") }
        guard workers >= 1 else { throw ValidationError("--workers must be at least 1") }
        guard timeout > 0 else { throw ValidationError("--timeout must be positive") }
    }
}
