import Foundation
import KubeClient
import KubeCore

/// `status --watch`: the object's own watch (a field selector on its name), re-rendering the
/// report on every change of it. A watch the server ends is resumed from the last
/// resourceVersion; one that expired (410) or broke restarts from a fresh read. No polling.
struct StatusWatcher: Sendable {
    var session: CLISession
    var kind: TargetKind
    var name: String

    func run(from object: ResolvedObject) async throws(CLIError) {
        var resourceVersion = object.metadata.resourceVersion
        var rendered = resourceVersion
        var failures = 0
        while !Task.isCancelled {
            let events = session.dynamic(kind).watch(ListOptions(fieldSelector: "metadata.name=\(name)",
                                                                 resourceVersion: resourceVersion, timeoutSeconds: 300))
            do {
                for try await event in events {
                    failures = 0
                    switch event {
                    case let .added(json), let .modified(json):
                        let version = json[path: ["metadata", "resourceVersion"]]?.stringValue
                        resourceVersion = version
                        guard version != rendered else { continue }
                        rendered = version
                        try await render(ResolvedObject(kind: kind, json: json))
                    case .deleted:
                        deleted()
                        return
                    case let .bookmark(version, _):
                        resourceVersion = version
                    case .undecodable:
                        continue  // a dynamic watch decodes every object
                    }
                }
            } catch let error as CLIError {
                throw error
            } catch {
                // Expired, broken or silent: read the object again and watch from there.
                failures += 1
                if failures > 1 { try? await Task.sleep(for: .seconds(min(failures, 5))) }
                guard let fresh = try await session.get(kind, name) else {
                    deleted()
                    return
                }
                resourceVersion = fresh.metadata.resourceVersion
                if resourceVersion != rendered {
                    rendered = resourceVersion
                    try await render(fresh)
                }
            }
        }
    }

    /// The watch ends when the object is gone; said in the chosen format.
    func deleted() {
        switch session.output {
        case .text: CLISession.write("\n\(kind.singular)/\(name) was deleted\n")
        case .json:
            let json: JSON = ["kind": .string(kind.kindName), "name": .string(name), "namespace": .string(session.namespace), "deleted": true]
            CLISession.write(json.serializedString() + "\n")
        }
    }

    func render(_ object: ResolvedObject) async throws(CLIError) {
        let report = try await session.statusReport(for: object)
        if session.output == .text { CLISession.write("\n") }
        session.emit(report, compact: true)
    }
}
