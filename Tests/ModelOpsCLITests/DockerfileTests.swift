import Foundation
import KubeCore
import Testing
import TestSupport

/// No Docker engine runs here, so the Dockerfile is checked as text: its stages, its user, and
/// that its ENTRYPOINT and the Deployment's args make the command the tests run.
@Suite("Dockerfile")
struct DockerfileTests {
    struct Instruction {
        var keyword: String
        var arguments: String
    }

    /// Instructions with continuation lines joined and comments dropped.
    static func instructions() throws -> [Instruction] {
        var out: [Instruction] = []
        var pending = ""
        for raw in try Repository.read("Dockerfile").split(separator: "\n", omittingEmptySubsequences: false) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if pending.isEmpty, line.hasPrefix("#") || line.isEmpty { continue }
            if line.hasSuffix("\\") {
                pending += line.dropLast() + " "
                continue
            }
            let whole = pending + line
            pending = ""
            let parts = whole.split(separator: " ", maxSplits: 1)
            out.append(Instruction(keyword: parts[0].uppercased(), arguments: parts.count > 1 ? String(parts[1]) : ""))
        }
        return out
    }

    @Test("two stages: the release build on the official Swift image, the runtime on Swift's slim image with libcurl")
    func stages() throws {
        let instructions = try Self.instructions()
        let froms = instructions.filter { $0.keyword == "FROM" }.map(\.arguments)
        #expect(froms.count == 2)
        #expect(froms.first?.hasPrefix("swift:${SWIFT_VERSION}-") == true && froms.first?.hasSuffix(" AS build") == true)
        #expect(froms.last?.hasPrefix("swift:${SWIFT_VERSION}-") == true && froms.last?.contains("-slim") == true)
        let buildStage = instructions.prefix { !($0.keyword == "FROM" && $0.arguments.contains("AS runtime")) }
        let runtimeStage = instructions.drop { !($0.keyword == "FROM" && $0.arguments.contains("AS runtime")) }
        #expect(buildStage.contains { $0.keyword == "RUN" && $0.arguments.contains("swift build -c release --product modelops") })
        let runtimeInstalls = runtimeStage.filter { $0.keyword == "RUN" }.map(\.arguments).joined(separator: " ")
        #expect(runtimeInstalls.contains("libcurl4") && !runtimeInstalls.contains("-dev"), "runtime: libcurl, no headers or compilers")
        #expect(runtimeStage.contains { $0.keyword == "COPY" && $0.arguments == "--from=build /out/modelops /usr/local/bin/modelops" })
        // The Swift image tag follows the toolchain the package is built with.
        let tools = try Repository.read("Package.swift").split(separator: "\n").first ?? ""
        #expect(tools.contains("swift-tools-version: 6."))
        #expect(instructions.contains { $0.keyword == "ARG" && $0.arguments.hasPrefix("SWIFT_VERSION=6.") })
    }

    @Test("runs as a numeric non-root user, so the Deployment's runAsNonRoot can be verified by the kubelet")
    func user() async throws {
        let user = try #require(try Self.instructions().last { $0.keyword == "USER" }?.arguments)
        let uid = try #require(Int(user.split(separator: ":").first ?? ""), "numeric USER, got \(user)")
        #expect(uid != 0)
        let pod = try await Rendered.manifests().one("Deployment", "modelops-operator")[path: ["spec", "template", "spec"]]
        #expect(pod?[path: ["securityContext", "runAsUser"]]?.intValue == Int64(uid))
    }

    @Test("ENTRYPOINT is the binary the Deployment's args are for, and those args start the operator")
    func entrypoint() async throws {
        let entry = try #require(try Self.instructions().last { $0.keyword == "ENTRYPOINT" }?.arguments)
        let argv = try #require(try JSON.parse(entry).arrayValue?.compactMap(\.stringValue))
        #expect(argv == ["/usr/local/bin/modelops"])
        let container = try await Rendered.manifests().one("Deployment", "modelops-operator")[path: ["spec", "template", "spec", "containers"]]?
            .arrayValue?.first
        let args = container?["args"]?.arrayValue?.compactMap(\.stringValue) ?? []
        // The same argv against a server that does not exist: it parses (no usage error) and
        // fails only at the connection, in one line.
        let (status, output) = try await OperatorProcess.run(args + ["--kubeconfig", "/nonexistent/kubeconfig"])
        #expect(status != 0)
        #expect(output.contains("cannot load the cluster configuration") && !output.contains("Usage"), "\(output)")
    }

    @Test("the VERSION build argument is baked into the binary: the Dockerfile's sed rewrites Version.swift")
    func version() async throws {
        let instructions = try Self.instructions()
        #expect(instructions.contains { $0.keyword == "ARG" && $0.arguments.hasPrefix("VERSION=") })
        let sed = try #require(instructions.first { $0.keyword == "RUN" && $0.arguments.contains("Sources/modelops/Version.swift") })
        let dir = try Repository.temporaryDirectory()
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("Sources/modelops"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: Repository.path("Sources/modelops/Version.swift"),
                                         toPath: dir.appendingPathComponent("Sources/modelops/Version.swift").path)
        let result = try await Command.run("/bin/sh", ["-c", "cd '\(dir.path)' && " + sed.arguments], environment: ["VERSION": "9.8.7-rc.1"])
        #expect(result.status == 0, "\(result)")
        let rewritten = try String(contentsOf: dir.appendingPathComponent("Sources/modelops/Version.swift"), encoding: .utf8)
        #expect(rewritten.contains("static let current = \"9.8.7-rc.1\""), "\(rewritten)")
        // The build compiles after the rewrite: only the string changed.
        let original = try Repository.read("Sources/modelops/Version.swift")
        #expect(rewritten.replacingOccurrences(of: "9.8.7-rc.1", with: try Repository.sourceVersion()) == original)
    }
}
