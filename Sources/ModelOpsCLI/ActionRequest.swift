import Foundation
import KubeClient
import KubeCore

/// Writes a manual action: ONE annotation set by a JSON merge patch of metadata.annotations, so
/// the spec (owned by Git) is never touched and nothing else on the object changes. The
/// controller acts on each new value once.
enum ActionRequest {
    /// A fresh, readable token for `<action>/<token>` values: the UTC time and four random hex
    /// digits, so the same action can be asked again and two people asking at once differ.
    static func token(now: Date = Date()) -> String {
        let digits = KubeTime(now).rfc3339.filter { $0.isNumber }
        let stamp = digits.count >= 14 ? "\(digits.prefix(8))t\(digits.dropFirst(8).prefix(6))z" : digits
        return "\(stamp)-\(String(format: "%04x", UInt16.random(in: .min ... .max)))"
    }

    static func annotate(_ session: CLISession, _ kind: TargetKind, _ name: String, _ key: String, _ value: String) async throws(CLIError) {
        let patch: JSON = ["metadata": ["annotations": [key: .string(value)]]]
        do {
            _ = try await session.dynamic(kind).patch(name, .merge(patch.serialized()))
        } catch where error.isNotFound {
            throw session.notFound(kind, name)
        } catch {
            throw session.failure(error, "cannot annotate \(kind.singular) \"\(name)\"")
        }
    }

    /// "Follow it with: modelops status mdep/churn -n ml --watch".
    static func followHint(_ kind: TargetKind, _ name: String, namespace: String) -> String {
        "follow it with: \(Program.invocation) status \(kind.shortName)/\(name) -n \(namespace) --watch"
    }

    /// The outcome of an action for `-o json` and text.
    static func emit(_ session: CLISession, action: String, kind: TargetKind, name: String, annotation: String, value: String,
                     summary: String, follow: (TargetKind, String)? = nil, extra: [String: JSON] = [:]) {
        let (followKind, followName) = follow ?? (kind, name)
        let hint = followHint(followKind, followName, namespace: session.namespace)
        switch session.output {
        case .text:
            CLISession.write("\(summary)\n\(hint)\n")
        case .json:
            var json: JSON = [
                "action": .string(action), "kind": .string(kind.kindName), "name": .string(name),
                "namespace": .string(session.namespace), "annotation": .string(annotation), "value": .string(value),
                "summary": .string(summary), "follow": .string(String(hint.dropFirst("follow it with: ".count))),
            ]
            for (key, value) in extra { json[key] = value }
            CLISession.write(json.prettyString() + "\n")
        }
    }
}
