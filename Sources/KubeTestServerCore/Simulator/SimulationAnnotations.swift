import Foundation
import KubeCore

/// What a test asks the simulator to do, read from annotations with the prefix
/// `sim.modelops.io/` on a pod template (`spec.template.metadata.annotations` of a Deployment or
/// Job, which the Job's pods inherit) or on a bare Pod. Tests steer workloads through the API
/// objects they create anyway, so an operator under test needs no simulator-specific code.
///
/// Durations are seconds as decimal strings (`"0.05"`, `"30"`), divided by the simulator's
/// `Options.speed`. Values that do not parse are ignored (the default applies): a test server
/// never fails on odd input.
///
/// | Annotation | Applies to | Meaning (default) |
/// |---|---|---|
/// | `sim.modelops.io/run-seconds` | pods with restartPolicy Never/OnFailure (Job pods) | how long each attempt runs before it exits (`Options.podRunDuration`) |
/// | `sim.modelops.io/exit-code` | Job pods, bare pods | exit code of attempts not forced to fail (`0`) |
/// | `sim.modelops.io/termination-message` | Job pods, bare pods | what the container wrote to its termination-message path, cut to 4096 bytes (none) |
/// | `sim.modelops.io/termination-reason` | Job pods, bare pods | `state.terminated.reason` (`Completed` for 0, `OOMKilled` for 137, else `Error`) |
/// | `sim.modelops.io/fail-attempts` | Job pods, bare pods | the first N attempts fail (exit code `exit-code` if non-zero, else 1) (`0`) |
/// | `sim.modelops.io/fail-message` | Job pods, bare pods | termination message of those failing attempts (`termination-message`) |
/// | `sim.modelops.io/image-digest` | all pods | digest reported in `imageID`, `sha256:<hex>` or bare hex (derived from the image name) |
/// | `sim.modelops.io/unschedulable` | all pods | the pod stays Pending with PodScheduled False, reason Unschedulable; `"true"` gives `0/1 nodes are available: 1 Insufficient <resource>.` (the first extended resource requested, else `cpu`), any other value is the message itself |
/// | `sim.modelops.io/ready-after-seconds` | Deployments, pods | time from (re)rollout or container start until ready (`Options.deploymentReadyDelay` for Deployments, `0` for pods) |
/// | `sim.modelops.io/never-ready` | Deployments, pods | `"true"`: never becomes ready/available (a stuck rollout) |
/// | `sim.modelops.io/routes` | Gateways (metadata.annotations) | how the simulated gateway treats HTTPRoutes attached to it: `accept`, `refuse` (Accepted False, NotAllowedByListeners) or `ignore` (no status) (`accept`) |
///
/// An attempt is one run of the container: with `restartPolicy: Never` each attempt is a new pod
/// of the Job, with `OnFailure` the same pod restarts (its `restartCount` rises). Pods with
/// `restartPolicy: Always` (Deployment pods, most bare pods) run until deleted.
public struct SimulationAnnotations: Sendable, Equatable {
    public static let prefix = "sim.modelops.io/"
    /// On a Gateway: how the simulated gateway controller treats the HTTPRoutes attached to it,
    /// `accept` (default), `refuse` or `ignore` (see `reconcileHTTPRoute`).
    public static let gatewayRoutes = prefix + "routes"
    /// The kubelet's limit on termination messages.
    public static let maxTerminationMessageBytes = 4096

    public var runSeconds: Double?
    public var exitCode: Int
    public var terminationMessage: String?
    public var terminationReason: String?
    public var failAttempts: Int
    public var failMessage: String?
    public var imageDigest: String?
    /// nil: schedulable; "true" or a message.
    public var unschedulable: String?
    public var readyAfterSeconds: Double?
    public var neverReady: Bool

    public init(_ annotations: [String: JSON]) {
        func value(_ name: String) -> String? { annotations[Self.prefix + name]?.stringValue }
        func seconds(_ name: String) -> Double? {
            guard let text = value(name), let v = Double(text.trimmingCharacters(in: [" "])), v.isFinite, v >= 0 else { return nil }
            return v
        }
        func integer(_ name: String) -> Int? { value(name).flatMap { Int($0.trimmingCharacters(in: [" "])) } }
        runSeconds = seconds("run-seconds")
        exitCode = integer("exit-code").map { min(max($0, -2_147_483_648), 2_147_483_647) } ?? 0
        terminationMessage = value("termination-message")
        terminationReason = value("termination-reason").flatMap { $0.isEmpty ? nil : $0 }
        failAttempts = max(0, integer("fail-attempts") ?? 0)
        failMessage = value("fail-message")
        imageDigest = value("image-digest").flatMap { $0.isEmpty ? nil : $0 }
        if let u = value("unschedulable"), !u.isEmpty, u.lowercased() != "false" { unschedulable = u } else { unschedulable = nil }
        readyAfterSeconds = seconds("ready-after-seconds")
        neverReady = value("never-ready")?.lowercased() == "true"
    }

    /// Reads the annotations of an object's metadata (a pod, or a template's metadata).
    public init(metadataOf object: JSON?) {
        self.init(object?[path: ["metadata", "annotations"]]?.objectValue ?? [:])
    }

    /// How attempt `attempt` (1-based) ends.
    public func outcome(attempt: Int) -> (exitCode: Int, message: String?) {
        if attempt <= failAttempts {
            return (exitCode != 0 ? exitCode : 1, failMessage ?? terminationMessage)
        }
        return (exitCode, terminationMessage)
    }

    /// The reason the kubelet reports for a terminated container.
    public func reason(exitCode: Int) -> String {
        if let terminationReason { return terminationReason }
        switch exitCode {
        case 0: return "Completed"
        case 137: return "OOMKilled"
        default: return "Error"
        }
    }

    /// Cuts a message to the kubelet's limit without splitting a UTF-8 sequence.
    public static func truncatedMessage(_ message: String) -> String {
        let bytes = Array(message.utf8)
        guard bytes.count > maxTerminationMessageBytes else { return message }
        var end = maxTerminationMessageBytes
        while end > 0, bytes[end] & 0xC0 == 0x80 { end -= 1 }
        return String(decoding: bytes[..<end], as: UTF8.self)
    }
}
