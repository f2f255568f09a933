import ModelOpsCLI

/// `modelops-playground`: its own program, so that the operator (`modelops`) and the kubectl
/// plugin link neither the API test server nor the simulator, the simulated Prometheus or the
/// playground's clock.
@main
enum PlaygroundMain {
    static func main() async {
        await CommandLineMain.run(Playground.self, prefix: "modelops-playground")
    }
}
