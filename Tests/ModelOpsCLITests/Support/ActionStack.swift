import Foundation
import KubeCore
import Synchronization
import Testing
import TestSupport

/// What the user-action tests run against: the API test server with the simulator (Deployments
/// become available, Jobs run their pods), the CRDs, namespace "ml", and the real operator
/// (`modelops run` as a subprocess, as a workstation would run it). Commands run as the built
/// binaries with `--kubeconfig`, like a user's shell.
final class ActionStack: Sendable {
    static let namespace = "ml"
    let cluster: TestCluster
    let op: OperatorProcess?

    private init(cluster: TestCluster, op: OperatorProcess?) {
        self.cluster = cluster
        self.op = op
    }

    /// Runs `body` with a started stack and stops everything afterwards, also when it throws.
    /// `operatorArguments` are added to `modelops run`'s (a `--metrics-bind-address` among them
    /// replaces the default, which turns metrics off).
    static func with(operator runOperator: Bool = true, rbac: Bool = false, operatorArguments: [String] = [],
                     _ body: (ActionStack) async throws -> Void) async throws {
        let cluster = try await CLICluster.start(rbac: rbac, simulator: true)
        var op: OperatorProcess?
        do {
            try await cluster.server.apply(yaml: """
                apiVersion: v1
                kind: Namespace
                metadata:
                  name: \(namespace)
                """)
            if runOperator {
                let metricsOff = operatorArguments.contains("--metrics-bind-address") ? [] : ["--metrics-bind-address", "0"]
                let process = try OperatorProcess(arguments: [
                    "run", "--kubeconfig", cluster.kubeconfig, "--namespace", namespace,
                    "--health-probe-bind-address", "127.0.0.1:0", "--log-format", "json",
                ] + metricsOff + operatorArguments)
                op = process
                try await process.waitForLine("starting the ModelOps operator")
            }
            try await body(ActionStack(cluster: cluster, op: op))
        } catch {
            op?.kill()
            await cluster.stop()
            throw error
        }
        if let op { _ = try? await op.terminate() }
        await cluster.stop()
    }

    // MARK: Running the commands

    /// `modelops <arguments> --kubeconfig <admin>` to completion; `-n ml` unless the arguments name a namespace.
    func modelops(_ arguments: String..., namespace: Bool = true) async throws -> CommandResult {
        try await Self.run(Self.binary(), arguments + (namespace ? ["-n", Self.namespace] : []) + ["--kubeconfig", cluster.kubeconfig])
    }

    /// Like `modelops`, failing the test unless it exits 0 with nothing on standard error.
    func modelopsOK(_ arguments: String...) async throws -> String {
        let result = try await Self.run(Self.binary(), arguments + ["-n", Self.namespace, "--kubeconfig", cluster.kubeconfig])
        #expect(result.status == 0 && result.stderr.isEmpty, "modelops \(arguments.joined(separator: " ")): \(result)")
        guard result.status == 0 else { throw ModelopsFailed(arguments: arguments, result: result) }
        return result.stdout
    }

    /// `modelops … -o json`, parsed.
    func modelopsJSON(_ arguments: String...) async throws -> JSON {
        let result = try await Self.run(Self.binary(), arguments + ["-o", "json", "-n", Self.namespace, "--kubeconfig", cluster.kubeconfig])
        guard result.status == 0 else { throw ModelopsFailed(arguments: arguments, result: result) }
        return try JSON.parse(result.stdout)
    }

    static func binary() throws -> String {
        try #require(Repository.binary, "modelops binary not built next to the tests")
    }

    static func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) async throws -> CommandResult {
        // Nothing from the test's own environment chooses the cluster.
        var env = environment
        if env["KUBECONFIG"] == nil { env["KUBECONFIG"] = "/nonexistent/kubeconfig-from-the-environment" }
        return try await Command.run(executable, arguments, environment: env)
    }

    // MARK: The cluster

    func apply(_ yaml: String) async throws {
        try await cluster.kubectlOK("apply", "-f", "-", stdin: yaml)
    }

    /// The stored object (nil when absent), straight from the server.
    func object(_ plural: String, _ name: String, group: String = "modelops.io", version: String = "v1alpha1") async -> JSON? {
        let prefix = group.isEmpty ? "/api/\(version)" : "/apis/\(group)/\(version)"
        let json = await cluster.direct("GET", "\(prefix)/namespaces/\(Self.namespace)/\(plural)/\(name)")
        return json["kind"]?.stringValue == "Status" ? nil : json
    }

    /// Waits until the object satisfies `predicate`; returns it.
    @discardableResult
    func waitFor(_ plural: String, _ name: String, _ what: String, timeout: Duration = .seconds(30),
                 _ predicate: @escaping @Sendable (JSON) -> Bool) async throws -> JSON {
        let found = LockedJSON()
        do {
            try await eventually(timeout: timeout, "\(plural)/\(name): \(what)") {
                guard let object = await object(plural, name), predicate(object) else { return false }
                found.set(object)
                return true
            }
        } catch {
            // The status first and on one line: CI's summary shows the first line of an issue.
            let last = await object(plural, name)
            Issue.record("""
                \(plural)/\(name) never \(what); its status: \(last?["status"]?.serializedString() ?? "nothing (no object)")
                generation \(last?[path: ["metadata", "generation"]]?.intValue ?? 0), annotations \(last?[path: ["metadata", "annotations"]]?.serializedString() ?? "none")
                operator log:
                \(op?.log.suffix(4000) ?? "")
                """)
            throw error
        }
        return found.get()!
    }

    /// A merge patch of an object's spec, as `kubectl patch --type merge` sends it.
    func patchSpec(_ plural: String, _ name: String, _ patch: String) async throws {
        try await cluster.kubectlOK("-n", Self.namespace, "patch", plural, name, "--type", "merge", "-p", patch)
    }
}

struct ModelopsFailed: Error, CustomStringConvertible {
    var arguments: [String]
    var result: CommandResult
    var description: String { "modelops \(arguments.joined(separator: " ")) failed: \(result)" }
}

/// One JSON value shared with a `@Sendable` closure.
final class LockedJSON: Sendable {
    private let value = Mutex<JSON?>(nil)
    func set(_ json: JSON) { value.withLock { $0 = json } }
    func get() -> JSON? { value.withLock { $0 } }
}

extension String {
    /// Every line fits the width text output is laid out for.
    var fitsIn100Columns: Bool { split(separator: "\n").allSatisfy { $0.count <= 100 } }
}
