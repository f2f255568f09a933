import Foundation
import KubeClient
import KubeCore
import ModelOpsAPI

/// One invocation's connection to the cluster: the client, the namespace the names live in, and
/// how to print. Every API failure leaves here as a `CLIError` of one line that keeps the API
/// server's own message (RBAC denials, admission errors) rather than a generic one.
public struct CLISession: Sendable {
    public let client: KubeClient
    public let namespace: String
    public let output: OutputFormat

    public init(_ options: ClusterOptions) throws(CLIError) {
        let configuration: ClientConfiguration
        do {
            configuration = try ConfigLoader.load(kubeconfig: options.kubeconfig, context: options.context)
        } catch {
            throw CLIError("cannot load the cluster configuration: \(error)")
        }
        var clientOptions = KubeClient.Options()
        clientOptions.userAgent = "modelops-cli"
        // A person waits for the answer: fail in seconds, not after minutes of retries.
        clientOptions.requestTimeout = .seconds(20)
        clientOptions.connectTimeout = .seconds(5)
        do {
            client = try KubeClient(configuration: configuration, options: clientOptions)
        } catch {
            throw CLIError("cannot use the cluster configuration: \(error)")
        }
        let fromContext = configuration.namespace.isEmpty ? "default" : configuration.namespace
        namespace = options.namespace.flatMap { $0.isEmpty ? nil : $0 } ?? fromContext
        output = options.output
    }

    public func shutdown() { client.shutdown() }

    var server: String { client.configuration.server }

    // MARK: Errors

    /// One line for a failed request; `what` says what was being done ("get modeldeployment x").
    func failure(_ error: any Error, _ what: String) -> CLIError {
        guard let error = error as? KubeError else { return CLIError("\(what): \(error)") }
        switch error {
        case let .api(status) where status.code == 401:
            return CLIError("the API server at \(server) rejected the credentials (401 Unauthorized): \(status.message ?? "")")
        case let .api(status):
            let message = status.message.flatMap { $0.isEmpty ? nil : $0 }
                ?? "\(status.code.map(String.init) ?? "") \(status.reason ?? "error")"
            return CLIError("\(what): \(message)")
        case let .transport(.connectFailed(why)):
            return CLIError("cannot reach the API server at \(server): \(why)")
        case let .transport(failure):
            return CLIError("cannot reach the API server at \(server): \(failure)")
        case let .configuration(config):
            return CLIError("cannot use the cluster configuration: \(config)")
        case let .decoding(why):
            return CLIError("unexpected answer from the API server at \(server) to \(what): \(why)")
        }
    }

    func notFound(_ kind: TargetKind, _ name: String) -> CLIError {
        CLIError("\(kind.singular) \"\(name)\" not found in namespace \"\(namespace)\"")
    }

    // MARK: Reads

    func typed<K: KubeResource>(_ type: K.Type) -> ResourceClient<K> { client.resource(type, namespace: namespace) }

    func dynamic(_ kind: TargetKind) -> ResourceClient<JSON> { client.dynamic(kind.resource, namespace: namespace) }

    /// The object of `kind` named `name`, or nil when there is none.
    func get(_ kind: TargetKind, _ name: String) async throws(CLIError) -> ResolvedObject? {
        do {
            switch kind {
            case .modelDeployment: return .modelDeployment(try await typed(ModelDeployment.self).get(name))
            case .retrainPolicy: return .retrainPolicy(try await typed(RetrainPolicy.self).get(name))
            case .trainingJob: return .trainingJob(try await typed(TrainingJob.self).get(name))
            }
        } catch where error.isNotFound {
            return nil
        } catch {
            throw failure(error, "cannot get \(kind.singular) \"\(name)\"")
        }
    }

    /// Every action's preamble: parse NAME (`name` or `kind/name`), open a session, find the object
    /// among `kinds`, run `body` with both, and close the session however `body` ends.
    public static func with<T>(_ cluster: ClusterOptions, object name: String, among kinds: [TargetKind], for action: String,
                               _ body: (CLISession, ResolvedObject) async throws -> T) async throws -> T {
        let target = try ObjectName(parsing: name)
        let session = try CLISession(cluster)
        defer { session.shutdown() }
        return try await body(session, try await session.find(target, among: kinds, for: action))
    }

    /// The object `name` refers to among `kinds`, looked up in that order when the name carries
    /// no kind. `action` names the command in the error for a kind it does not apply to.
    public func find(_ name: ObjectName, among kinds: [TargetKind], for action: String) async throws(CLIError) -> ResolvedObject {
        if let kind = name.kind {
            guard kinds.contains(kind) else {
                throw CLIError("\(action) applies to \(TargetKind.list(kinds)), not to \(kind.plural)")
            }
            guard let found = try await get(kind, name.name) else { throw notFound(kind, name.name) }
            return found
        }
        for kind in kinds {
            if let found = try await get(kind, name.name) { return found }
        }
        if kinds.count == 1 { throw notFound(kinds[0], name.name) }
        throw CLIError("no \(TargetKind.list(kinds, plural: false)) named \"\(name.name)\" in namespace \"\(namespace)\"")
    }

    /// The TrainingJobs a RetrainPolicy created (its label), oldest first.
    func trainingJobs(of policy: String) async throws(CLIError) -> [TrainingJob] {
        do {
            let list = try await typed(TrainingJob.self).listAll(ListOptions(labelSelector: "\(TrainingJobLabels.retrainPolicy)=\(RetrainRunNames.policyLabelValue(policy))"))
            Self.warn(skipped: list.undecodable)
            return list.items.sorted(by: TrainingJobOrder.oldestFirst)
        } catch {
            throw failure(error, "cannot list the trainingjobs of retrainpolicy \"\(policy)\"")
        }
    }

    /// Every TrainingJob of the namespace.
    func allTrainingJobs() async throws(CLIError) -> [TrainingJob] {
        do {
            let list = try await typed(TrainingJob.self).listAll()
            Self.warn(skipped: list.undecodable)
            return list.items.sorted(by: TrainingJobOrder.oldestFirst)
        } catch {
            throw failure(error, "cannot list trainingjobs in namespace \"\(namespace)\"")
        }
    }

    // MARK: Printing

    /// Prints a report in the chosen format. Written straight to the file descriptor, unbuffered,
    /// so that `--watch` output reaches a pipe or file the moment it is rendered.
    func emit(_ report: any Report, compact: Bool = false) {
        let text: String
        switch output {
        case .text: text = report.text(width: TextLayout.width)
        case .json: text = compact ? report.json.serializedString() : report.json.prettyString()
        }
        Self.write(text.hasSuffix("\n") ? text : text + "\n")
    }

    static func write(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    /// One line on stderr per object a list left out because it did not decode: the report is
    /// made of the others, and says which it could not read.
    static func warn(skipped objects: [UndecodableObject]) {
        for object in objects {
            FileHandle.standardError.write(Data("warning: skipped \(object.kind.lowercased()) \(object.name): cannot decode it: \(object.reason)\n".utf8))
        }
    }
}

/// The order TrainingJobs are listed in: by creation, then name.
enum TrainingJobOrder {
    static func oldestFirst(_ a: TrainingJob, _ b: TrainingJob) -> Bool {
        let (ta, tb) = (a.metadata.creationTimestamp?.secondsSinceEpoch ?? 0, b.metadata.creationTimestamp?.secondsSinceEpoch ?? 0)
        return ta != tb ? ta < tb : (a.metadata.name ?? "") < (b.metadata.name ?? "")
    }
}
