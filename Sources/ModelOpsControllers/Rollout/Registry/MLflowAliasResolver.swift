import Foundation
import KubeClient
import KubeCore
import KubeRuntime
import ModelOpsAPI
import Synchronization

/// Which version an MLflow alias points at, for ModelDeployments whose `spec.model.registry.mlflow`
/// follows one. The registry has no watch, so the alias is read again every `pollInterval` (30 s
/// by default); reconciles come far more often during a rollout, so a read is kept in memory per
/// ModelDeployment until then. After a failed read the next one waits 1 s, 2 s, 4 s… up to the
/// poll interval, and the version last read (kept in status) goes on being served: nothing
/// serving changes while the registry is away.
final class MLflowAliasResolver: Sendable {
    static let condition = "RegistryReachable"
    static let defaultPollInterval: Duration = .seconds(30)

    struct Resolution: Sendable {
        /// The model to serve: the alias's version, else the one last read.
        var model: ModelVersion?
        /// Why there is no model.
        var message: String?
        /// What status.registry.mlflow should say.
        var record: MLflowAliasRecord?
        var reachable: Condition.Status
        var reason: String
        var detail: String
        /// When to read the alias again.
        var recheck: Duration
        /// What was written to the registry on the way (a rollback recorded, the alias moved back).
        var events: [(reason: String, note: String)] = []
    }

    private struct Entry {
        var key: String
        var at: Date
        var record: MLflowAliasRecord?
        var failure: (reason: String, message: String)?
        var failures: Int
        /// The rejected version whose rollback was written to the registry.
        var recordedRejection: String? = nil
    }

    private let entries = Mutex<[ObjectRef: Entry]>([:])
    let defaultTrackingURI: String?
    let client: KubeClient

    init(defaultTrackingURI: String?, client: KubeClient) {
        self.defaultTrackingURI = defaultTrackingURI
        self.client = client
    }

    func forget(_ ref: ObjectRef) {
        _ = entries.withLock { $0.removeValue(forKey: ref) }
    }

    /// `last`: status.registry.mlflow as the ModelDeployment has it; `rejected`: its rolled-back
    /// versions. When the alias points at a rolled-back version, the version is tagged
    /// `modelops.io/rejected` with the reason, and when a RetrainPolicy moved the alias there
    /// (its `modelops.io/promoted-alias` tag names this alias) the alias goes back to
    /// `modelops.io/previous-version`. A version a person pointed the alias at stays: it is
    /// tagged, not rolled out (status.rejectedVersions), until `modelops retry`.
    func resolve(_ source: MLflowModelAlias, ref: ObjectRef, last: MLflowAliasRecord?, rejected: [RejectedVersion] = [],
                 now: Date) async -> Resolution {
        let interval = source.pollInterval.flatMap { try? GoDuration.parse($0) } ?? Self.defaultPollInterval
        guard let uri = source.trackingURI ?? defaultTrackingURI, !uri.isEmpty else {
            return failed(source, last: last, key: nil, reason: "NoTrackingServer",
                          message: "spec.model.registry.mlflow.trackingURI is not set and the operator has no --mlflow-tracking-uri",
                          recheck: interval)
        }
        let key = "\(uri)|\(source.name)|\(source.alias)"
        if let entry = entries.withLock({ $0[ref] }), entry.key == key {
            if let failure = entry.failure {
                let wait = Self.backoff(entry.failures, cap: interval)
                if now < entry.at.addingTimeInterval(wait.timeInterval) {
                    return failed(source, last: entry.record ?? last, key: key, reason: failure.reason, message: failure.message,
                                  recheck: Self.remaining(until: entry.at.addingTimeInterval(wait.timeInterval), now: now))
                }
            } else if let record = entry.record, now < entry.at.addingTimeInterval(interval.timeInterval),
                      !rejected.contains(where: { $0.version == record.version }) || entry.recordedRejection == record.version {
                return resolved(record, recheck: Self.remaining(until: entry.at.addingTimeInterval(interval.timeInterval), now: now))
            }
        }
        let previous = entries.withLock { $0[ref] }.flatMap { $0.key == key ? $0 : nil }
        let known = previous?.record ?? (last.map { "\($0.trackingURI)|\($0.name)|\($0.alias)" } == key ? last : nil)
        do {
            let credentials = try await MLflowCredentials.read(source.credentialsSecret, namespace: ref.namespace ?? "",
                                                               field: "spec.model.registry.mlflow.credentialsSecret", client: client)
            let mlflow = MLflowClient(trackingURI: uri, credentials: credentials)
            var found = try await mlflow.modelVersion(model: source.name, alias: source.alias)
            var events: [(reason: String, note: String)] = []
            var recorded: String?
            if let rejection = rejected.first(where: { $0.version == found.version }) {
                // Written back at most once per poll interval; a failure here (read-only
                // credentials) is its own Warning, not a failed read: the read succeeded.
                recorded = found.version
                do throws(MLflowError) {
                    if let moved = try await writeBack(rejection, of: found.version, source: source, ref: ref, mlflow: mlflow, events: &events) {
                        found = moved
                    }
                } catch {
                    events.append(("RegistryWriteBackFailed",
                                   "recording the rollback of \(source.name) version \(found.version) in MLflow: \(error)"))
                }
            }
            let record = MLflowAliasRecord(trackingURI: uri, name: source.name, alias: source.alias, version: found.version, source: found.source)
            entries.withLock { $0[ref] = Entry(key: key, at: now, record: record, failure: nil, failures: 0, recordedRejection: recorded) }
            var resolution = resolved(record, recheck: interval)
            resolution.events = events
            return resolution
        } catch {
            let (reason, message): (String, String)
            switch error {
            case let problem as MLflowCredentials.Problem:
                (reason, message) = ("CredentialsUnavailable", problem.message)
            case let failure as MLflowError:
                (reason, message) = (failure.isUnavailable ? "RegistryUnreachable" : "RegistryError",
                                     "reading alias \(GoQuote.quote(source.alias)) of \(source.name): \(failure)")
            default:
                (reason, message) = ("RegistryError", "reading alias \(GoQuote.quote(source.alias)) of \(source.name): \(error)")
            }
            let failures = (previous?.failures ?? 0) + 1
            entries.withLock { $0[ref] = Entry(key: key, at: now, record: known, failure: (reason, message), failures: failures) }
            return failed(source, last: known, key: key, reason: reason, message: message, recheck: Self.backoff(failures, cap: interval))
        }
    }

    /// Tags a rolled-back version `modelops.io/rejected`, and when a RetrainPolicy moved this
    /// alias there, moves it back to where it was and removes `modelops.io/promoted-alias` (so a
    /// person pointing the alias at the version again later is not undone). Returns what the
    /// alias points at after a move.
    func writeBack(_ rejection: RejectedVersion, of version: String, source: MLflowModelAlias, ref: ObjectRef, mlflow: MLflowClient,
                   events: inout [(reason: String, note: String)]) async throws(MLflowError) -> (version: String, source: String)? {
        let tags = WireContract.MLflowTags.self
        let current = try await mlflow.getModelVersion(model: source.name, version: version)
        if current.tags[tags.rejected] == nil {
            let note = "\(rejection.reason ?? "RolledBack") by ModelDeployment \(ref.namespace ?? "")/\(ref.name)"
                + (rejection.time.map { " at \($0.rfc3339)" } ?? "")
            try await mlflow.setModelVersionTag(model: source.name, version: version, key: tags.rejected, value: note)
            events.append(("RegistryVersionRejected", "tagged \(source.name) version \(version) \(tags.rejected)=\(note)"))
        }
        guard current.tags[tags.promotedAlias] == source.alias, let previous = current.tags[tags.previousVersion],
              previous != version else { return nil }
        try await mlflow.setAlias(model: source.name, alias: source.alias, version: previous)
        try await mlflow.deleteModelVersionTag(model: source.name, version: version, key: tags.promotedAlias)
        events.append(("RegistryAliasMovedBack",
                       "alias \(GoQuote.quote(source.alias)) of \(source.name) moved back from rolled-back version \(version) to \(previous)"))
        return try await mlflow.modelVersion(model: source.name, alias: source.alias)
    }

    func resolved(_ record: MLflowAliasRecord, recheck: Duration) -> Resolution {
        Resolution(model: ModelVersion(name: record.name, version: record.version, uri: record.source), message: nil, record: record,
                   reachable: .true, reason: "AliasResolved",
                   detail: "alias \(GoQuote.quote(record.alias)) of \(record.name) is version \(record.version) (\(record.source))",
                   recheck: recheck)
    }

    func failed(_ source: MLflowModelAlias, last: MLflowAliasRecord?, key: String?, reason: String, message: String,
                recheck: Duration) -> Resolution {
        let usable = last.flatMap { record in key == nil || "\(record.trackingURI)|\(record.name)|\(record.alias)" == key ? record : nil }
        var detail = message
        if let usable { detail += "; serving version \(usable.version) as last read" }
        return Resolution(model: usable.map { ModelVersion(name: $0.name, version: $0.version, uri: $0.source) },
                          message: usable == nil ? message : nil, record: usable, reachable: .false, reason: reason, detail: detail,
                          recheck: recheck)
    }

    /// 1 s, 2 s, 4 s… after consecutive failures, never beyond the poll interval.
    static func backoff(_ failures: Int, cap: Duration) -> Duration {
        min(cap, .seconds(1 << min(max(failures - 1, 0), 16)))
    }

    static func remaining(until date: Date, now: Date) -> Duration {
        .milliseconds(max(1, Int64((date.timeIntervalSince(now) * 1000).rounded(.up))))
    }
}
