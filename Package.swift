// swift-tools-version: 6.1
import PackageDescription

// Layout follows ../shared/DESIGN.md. Dependencies point down:
// executables → controllers → API / runtime → client → core. The API test server depends on
// KubeCore only, so that it never shares the client's code paths.
let package = Package(
    name: "modelops",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "modelops", targets: ["modelops"]),
        .executable(name: "kubectl-modelops", targets: ["kubectl-modelops"]),
        .executable(name: "modelops-playground", targets: ["modelops-playground"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-nio-http2.git", from: "1.46.0"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.4"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-protobuf.git", from: "1.39.0"),
    ],
    targets: [
        // API machinery values shared by every module: the JSON value type, YAML → JSON,
        // GroupVersionKind, metav1.Status.
        .target(
            name: "KubeCore",
            dependencies: [.product(name: "Yams", package: "Yams")]
        ),
        // The API test server's semantics without any networking: storage, resourceVersions,
        // watch fan-out, schema validation, CEL, patches, server-side apply, garbage collection,
        // the workload simulator. Kept free of NIO so it builds and tests in seconds.
        .target(
            name: "KubeTestServerCore",
            dependencies: ["KubeCore", "KubeProtobuf"]
        ),
        // Kubernetes' protobuf encoding of the built-in kinds kubectl creates (Namespace, ConfigMap,
        // Secret, ServiceAccount, Deployment), read into the JSON the test server works on. The
        // Swift code is generated once with protoc and committed (no build plugin: it would cost
        // minutes in every CI build); proto/ and README.md say how. Only the test server uses it.
        .target(
            name: "KubeProtobuf",
            dependencies: ["KubeCore", .product(name: "SwiftProtobuf", package: "swift-protobuf")],
            exclude: ["proto", "README.md"]
        ),
        // The HTTPS front (HTTP/1.1 and HTTP/2 by ALPN), certificates, authentication, kubeconfigs.
        .target(
            name: "KubeTestServer",
            dependencies: [
                "KubeCore",
                "KubeTestServerCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOHTTP2", package: "swift-nio-http2"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ]
        ),
        // libcurl, with typed shims for its variadic setopt/getinfo calls (Swift cannot call C variadics).
        .target(name: "CCurl", linkerSettings: [.linkedLibrary("curl")]),
        // Talking to one API server: kubeconfig/in-cluster configuration, the libcurl transport,
        // typed verbs. Shares no code with the test server.
        .target(name: "KubeClient", dependencies: ["KubeCore", "CCurl"]),
        // Generic controller machinery (knows nothing of ML): informers and indexed caches, work
        // queues, controllers, leader election, events, metrics, health probes.
        .target(
            name: "KubeRuntime",
            dependencies: [
                "KubeCore", "KubeClient",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                // Secure metrics: TLS, and a self-signed serving certificate when none is mounted.
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // The public API: Codable types of the three kinds.
        .target(name: "ModelOpsAPI", dependencies: ["KubeCore"]),
        // The CRD YAML of crds/, embedded at build time (no second copy in the repository).
        .executableTarget(name: "EmbedCRDsTool", path: "Plugins/EmbedCRDsTool"),
        .plugin(name: "EmbedCRDs", capability: .buildTool(), dependencies: ["EmbedCRDsTool"]),
        .target(name: "ModelOpsCRDs", plugins: ["EmbedCRDs"]),
        // The three reconcilers, their pure planning logic (rollout steps, analysis verdicts,
        // training results, cron schedules) and the I/O around them.
        .target(
            name: "ModelOpsControllers",
            dependencies: [
                "KubeCore", "KubeClient", "KubeRuntime", "ModelOpsAPI",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // The user actions (status, promote, abort, retry, retrain, lineage, history), shared by
        // `modelops` and the kubectl plugin `kubectl-modelops`. Reads the same wire contract as the
        // controllers (annotations, child and run names live in ModelOpsAPI), so the two cannot
        // drift apart, and links neither the controllers nor the runtime.
        .target(
            name: "ModelOpsCLI",
            dependencies: [
                "KubeCore", "KubeClient", "ModelOpsAPI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "modelops",
            dependencies: [
                "KubeCore",
                "KubeClient",
                "KubeRuntime",
                "ModelOpsCLI",
                "ModelOpsAPI",
                "ModelOpsControllers",
                "ModelOpsCRDs",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // The playground: the API test server, its simulator, the operator and a simulated
        // Prometheus in one process, for trying ModelOps without a cluster. Its own program, so
        // that the operator's binary and image carry none of it.
        .executableTarget(
            name: "modelops-playground",
            dependencies: [
                "KubeCore",
                "KubeClient",
                "KubeRuntime",
                "KubeTestServer",
                "KubeTestServerCore",
                "ModelOpsCLI",
                "ModelOpsAPI",
                "ModelOpsControllers",
                "ModelOpsCRDs",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                // The simulated Prometheus (plain HTTP on loopback).
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        // The kubectl plugin: `kubectl modelops <action>` finds it on PATH by its name.
        .executableTarget(
            name: "kubectl-modelops",
            dependencies: ["ModelOpsCLI", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        // Test-only pieces the tests and the benchmarks share, kept out of the product: the
        // advancing clock (real time plus a forward-movable offset).
        .target(name: "ModelOpsTesting", dependencies: ["KubeClient", "ModelOpsControllers"]),
        .executableTarget(
            name: "modelops-bench",
            dependencies: [
                "KubeCore", "KubeTestServer", "KubeTestServerCore", "KubeClient", "KubeRuntime",
                "ModelOpsAPI", "ModelOpsControllers", "ModelOpsCRDs", "ModelOpsTesting",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "KubeCoreTests", dependencies: ["KubeCore"]),
        .testTarget(name: "ModelOpsAPITests", dependencies: ["ModelOpsAPI", "ModelOpsCRDs", "KubeCore", "KubeTestServer", "TestSupport"]),
        .testTarget(name: "KubeClientTests", dependencies: ["KubeClient", "KubeCore", "KubeTestServer", "TestSupport"]),
        .testTarget(name: "KubeRuntimeTests", dependencies: ["KubeRuntime", "KubeClient", "KubeCore", "KubeTestServer", "KubeTestServerCore", "TestSupport"]),
        .testTarget(
            name: "ModelOpsControllersTests",
            dependencies: [
                "ModelOpsControllers", "ModelOpsAPI", "ModelOpsCRDs", "KubeCore", "KubeClient", "KubeRuntime",
                "KubeTestServer", "KubeTestServerCore", "ModelOpsTesting", "TestSupport",
            ]
        ),
        // The `modelops` and `kubectl-modelops` binaries as users run them (subprocesses),
        // manifests/ through kubectl kustomize, the Dockerfile, the README's commands, the
        // benchmarks' scenarios. Depends on the executables so that `swift test` builds them.
        .testTarget(
            name: "ModelOpsCLITests",
            dependencies: ["modelops", "modelops-playground", "kubectl-modelops", "modelops-bench", "ModelOpsControllers", "ModelOpsAPI", "KubeClient", "KubeCore",
                           "KubeTestServer", "KubeTestServerCore", "TestSupport"]
        ),
        // Fixtures/ holds exchanges recorded from a real API server, read by path (#filePath).
        .testTarget(name: "KubeTestServerCoreTests", dependencies: ["KubeTestServerCore", "KubeCore", "KubeProtobuf"], exclude: ["Fixtures"]),
        // Shared by the test targets: running kubectl and curl against an API test server, a
        // real Prometheus scraping a small NIO metrics exporter, for analysis tests, and loggers
        // whose lines a test reads back.
        .target(
            name: "TestSupport",
            dependencies: [
                "KubeTestServer", "KubeTestServerCore", "KubeCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/TestSupport"
        ),
        .testTarget(name: "KubeTestServerTests", dependencies: ["KubeTestServer", "KubeTestServerCore", "KubeCore", "TestSupport"]),
    ]
)
