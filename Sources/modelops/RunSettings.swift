import Foundation
import Logging
import ModelOpsControllers

/// What `modelops run` runs with: each flag, else its `MODELOPS_*` environment variable, else the
/// default (controller-runtime's where it has one). Bad values fail with the flag and the
/// variable named, so the one error line says what to fix.
struct RunSettings: Sendable, Equatable {
    enum LogFormat: String, Sendable, CaseIterable { case json, text }

    var kubeconfig: String?
    var context: String?
    /// nil: every namespace.
    var namespace: String?
    var leaderElect = false
    var leaderElectionNamespace = "modelops-system"
    var leaderElectionID = "modelops-operator"
    var leaseDuration: Duration = .seconds(15)
    var renewDeadline: Duration = .seconds(10)
    var retryPeriod: Duration = .seconds(2)
    /// "0" turns metrics off.
    var metricsBindAddress = ":8080"
    var healthProbeBindAddress = ":8081"
    /// /metrics over HTTPS, readable only by those a SubjectAccessReview allows `get` on
    /// `/metrics` (kubebuilder v4's default; on in manifests/). Off by default so that a local
    /// `modelops run` keeps plain http://localhost:8080/metrics.
    var metricsSecure = false
    /// A directory with tls.crt and tls.key for the secure listener; nil: a self-signed one.
    var metricsCertPath: String? = nil
    /// Workers per kind. Four, by measurement (README, "First versions"): 1,000 first versions
    /// all Healthy in 6.6–8.7 s with 4 against 9.9–11.4 s with one; 8 and 16 were no faster.
    /// controller-runtime's default is 1; Kubernetes' sample-controller runs 2.
    var maxConcurrentReconciles = 4
    /// Client-side request limit; nil: none (controller-runtime's default since v0.21, on SIG API
    /// Machinery's advice): the API server's Priority and Fairness shares it out, and a 429 it
    /// answers is waited out (Retry-After) before the request is tried again.
    var kubeAPIQPS: Double? = nil
    /// Requests allowed at once above `kubeAPIQPS` (the token bucket's size).
    var kubeAPIBurst: Int? = nil
    /// Caches filled by streaming lists (`InformerOptions.streamingList`), falling back to paged
    /// lists on a server that does not stream them. Off: measured, our client syncs faster and
    /// smaller from pages (500 objects decoded per call) than from one event per object.
    var streamingLists = false
    /// The MLflow tracking server of TrainingJobs whose `spec.tracking.mlflow` names none.
    var mlflowTrackingURI: String? = nil
    var logFormat = LogFormat.text
    var logLevel = Logger.Level.info
    /// This replica's leader-election identity: the pod name (or host name) plus a random suffix.
    var identity = ""

    /// The environment variable of each setting (the README's table is checked against it).
    enum Variable {
        static let kubeconfig = "MODELOPS_KUBECONFIG"
        static let context = "MODELOPS_CONTEXT"
        static let namespace = "MODELOPS_NAMESPACE"
        static let leaderElect = "MODELOPS_LEADER_ELECT"
        static let leaderElectionNamespace = "MODELOPS_LEADER_ELECTION_NAMESPACE"
        static let leaseDuration = "MODELOPS_LEADER_ELECTION_LEASE_DURATION"
        static let renewDeadline = "MODELOPS_LEADER_ELECTION_RENEW_DEADLINE"
        static let retryPeriod = "MODELOPS_LEADER_ELECTION_RETRY_PERIOD"
        static let metricsBindAddress = "MODELOPS_METRICS_BIND_ADDRESS"
        static let healthProbeBindAddress = "MODELOPS_HEALTH_PROBE_BIND_ADDRESS"
        static let metricsSecure = "MODELOPS_METRICS_SECURE"
        static let metricsCertPath = "MODELOPS_METRICS_CERT_PATH"
        static let maxConcurrentReconciles = "MODELOPS_MAX_CONCURRENT_RECONCILES"
        static let kubeAPIQPS = "MODELOPS_KUBE_API_QPS"
        static let kubeAPIBurst = "MODELOPS_KUBE_API_BURST"
        static let streamingLists = "MODELOPS_STREAMING_LISTS"
        static let mlflowTrackingURI = "MODELOPS_MLFLOW_TRACKING_URI"
        static let logFormat = "MODELOPS_LOG_FORMAT"
        static let logLevel = "MODELOPS_LOG_LEVEL"
    }

    struct Invalid: Error, CustomStringConvertible {
        var description: String
    }

    /// Resolves the settings; `flags` holds what was given on the command line.
    static func resolve(_ flags: Run, environment: [String: String]) throws(Invalid) -> RunSettings {
        func pick(_ flag: String?, _ variable: String) -> (value: String, source: String)? {
            if let flag { return (flag, "--" + Run.flagName(for: variable)) }
            if let value = environment[variable] { return (value, variable) }
            return nil
        }
        var settings = RunSettings()
        settings.kubeconfig = pick(flags.kubeconfig, Variable.kubeconfig).map(\.value).flatMap { $0.isEmpty ? nil : $0 }
        settings.context = pick(flags.context, Variable.context).map(\.value).flatMap { $0.isEmpty ? nil : $0 }
        settings.namespace = pick(flags.namespace, Variable.namespace).map(\.value).flatMap { $0.isEmpty ? nil : $0 }
        if let namespace = settings.namespace, !Self.isDNSLabel(namespace) {
            throw Invalid(description: "invalid namespace \"\(namespace)\" (--namespace or \(Variable.namespace)): must be a DNS label")
        }
        for (flag, variable, path) in [(flags.leaderElect, Variable.leaderElect, \RunSettings.leaderElect),
                                       (flags.streamingLists, Variable.streamingLists, \RunSettings.streamingLists),
                                       (flags.metricsSecure, Variable.metricsSecure, \RunSettings.metricsSecure)] {
            if let flag {
                settings[keyPath: path] = flag
            } else if let text = environment[variable] {
                switch text.lowercased() {
                case "true", "1", "yes": settings[keyPath: path] = true
                case "false", "0", "no", "": settings[keyPath: path] = false
                default: throw Invalid(description: "invalid value \"\(text)\" for \(variable): must be true or false")
                }
            }
        }
        settings.leaderElectionNamespace = pick(flags.leaderElectionNamespace, Variable.leaderElectionNamespace)?.value
            ?? environment["POD_NAMESPACE"].flatMap { $0.isEmpty ? nil : $0 } ?? settings.leaderElectionNamespace
        for (flag, variable, path) in [(flags.leaderElectionLeaseDuration, Variable.leaseDuration, \RunSettings.leaseDuration),
                                       (flags.leaderElectionRenewDeadline, Variable.renewDeadline, \RunSettings.renewDeadline),
                                       (flags.leaderElectionRetryPeriod, Variable.retryPeriod, \RunSettings.retryPeriod)] {
            guard let (text, source) = pick(flag, variable) else { continue }
            do {
                settings[keyPath: path] = try GoDuration.parse(text)
            } catch {
                throw Invalid(description: "invalid duration \"\(text)\" for \(source): \(error) (e.g. 15s, 500ms)")
            }
        }
        if settings.leaderElect, settings.leaseDuration <= settings.renewDeadline || settings.renewDeadline <= settings.retryPeriod * 1.2 {
            throw Invalid(description: "leader election needs lease duration > renew deadline > 1.2 × retry period")
        }
        for (flag, variable, path) in [(flags.metricsBindAddress, Variable.metricsBindAddress, \RunSettings.metricsBindAddress),
                                       (flags.healthProbeBindAddress, Variable.healthProbeBindAddress, \RunSettings.healthProbeBindAddress)] {
            guard let (text, source) = pick(flag, variable) else { continue }
            if !(text == "0" && path == \RunSettings.metricsBindAddress), !Self.isBindAddress(text) {
                throw Invalid(description: "invalid address \"\(text)\" for \(source): want host:port or :port"
                              + (path == \RunSettings.metricsBindAddress ? " (\"0\" turns metrics off)" : ""))
            }
            settings[keyPath: path] = text
        }
        if settings.metricsSecure {
            // kubebuilder's secure metrics port, unless an address was given.
            if pick(flags.metricsBindAddress, Variable.metricsBindAddress) == nil { settings.metricsBindAddress = ":8443" }
            if settings.metricsBindAddress == settings.healthProbeBindAddress, !settings.metricsBindAddress.hasSuffix(":0") {
                throw Invalid(description: "--metrics-secure needs /metrics on an address of its own: the health probes stay plain HTTP on \(settings.healthProbeBindAddress)")
            }
        }
        if let (text, source) = pick(flags.metricsCertPath, Variable.metricsCertPath), !text.isEmpty {
            guard settings.metricsSecure else {
                throw Invalid(description: "\(source) is for the secure metrics listener: set --metrics-secure (or \(Variable.metricsSecure)=true) too")
            }
            settings.metricsCertPath = text
        }
        if let (text, source) = pick(flags.maxConcurrentReconciles, Variable.maxConcurrentReconciles) {
            guard let workers = Int(text), workers >= 1 else {
                throw Invalid(description: "invalid value \"\(text)\" for \(source): must be a whole number of at least 1")
            }
            settings.maxConcurrentReconciles = workers
        }
        if let (text, source) = pick(flags.kubeAPIQPS, Variable.kubeAPIQPS) {
            guard let qps = Double(text), qps.isFinite, qps == -1 || qps > 0 else {
                throw Invalid(description: "invalid value \"\(text)\" for \(source): requests per second above 0, or -1 for no client-side limit")
            }
            settings.kubeAPIQPS = qps > 0 ? qps : nil
        }
        if let (text, source) = pick(flags.kubeAPIBurst, Variable.kubeAPIBurst) {
            guard let burst = Int(text), burst >= 1 else {
                throw Invalid(description: "invalid value \"\(text)\" for \(source): must be a whole number of at least 1")
            }
            guard settings.kubeAPIQPS != nil else {
                throw Invalid(description: "\(source) needs a client-side limit: set --kube-api-qps (or \(Variable.kubeAPIQPS)) too")
            }
            settings.kubeAPIBurst = burst
        }
        if let (text, source) = pick(flags.mlflowTrackingURI, Variable.mlflowTrackingURI), !text.isEmpty {
            guard text.hasPrefix("http://") || text.hasPrefix("https://"), text.count > 8, !text.contains(" ") else {
                throw Invalid(description: "invalid URL \"\(text)\" for \(source): want http://host:port or https://host")
            }
            settings.mlflowTrackingURI = text
        }
        if let (text, source) = pick(flags.logFormat, Variable.logFormat) {
            guard let format = LogFormat(rawValue: text.lowercased()) else {
                throw Invalid(description: "invalid log format \"\(text)\" for \(source): must be json or text")
            }
            settings.logFormat = format
        }
        if let (text, source) = pick(flags.logLevel, Variable.logLevel) {
            let aliases = ["warn": Logger.Level.warning, "err": .error, "fatal": .critical]
            guard let level = Logger.Level(rawValue: text.lowercased()) ?? aliases[text.lowercased()] else {
                throw Invalid(description: "invalid log level \"\(text)\" for \(source): must be one of "
                              + Logger.Level.allCases.map(\.rawValue).joined(separator: ", "))
            }
            settings.logLevel = level
        }
        if let qps = settings.kubeAPIQPS, settings.kubeAPIBurst == nil {
            // client-go and kube-controller-manager pair a limit with a burst of about twice it.
            settings.kubeAPIBurst = max(1, Int((qps * 2).rounded(.up)))
        }
        let host = environment["POD_NAME"].flatMap { $0.isEmpty ? nil : $0 } ?? ProcessInfo.processInfo.hostName
        settings.identity = host + "_" + UUID().uuidString.lowercased().prefix(8)
        return settings
    }

    static func isDNSLabel(_ text: String) -> Bool {
        guard (1...63).contains(text.count), let first = text.first, let last = text.last,
              first.isLetter || first.isNumber, last.isLetter || last.isNumber else { return false }
        return text.allSatisfy { ($0.isASCII && ($0.isLowercase || $0.isNumber)) || $0 == "-" }
    }

    static func isBindAddress(_ text: String) -> Bool {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]) else { return false }
        return (0...65535).contains(port)
    }
}
