import Foundation
import KubeClient

/// How an `EventRecorder` reports and aggregates.
public struct EventRecorderOptions: Sendable {
    /// `reportingController`: the controller's name, e.g. `modelops.io/modeldeployment-controller`.
    public var reportingController: String
    /// `reportingInstance`: this process (client-go: controller name + "-" + host name).
    public var reportingInstance: String
    /// A repeat within this long of the previous occurrence joins its series; after it the next
    /// occurrence starts a new Event (client-go's finishTime: 6 minutes).
    public var seriesWindow: Duration = .seconds(6 * 60)
    /// At most one series PATCH per Event per this interval, carrying the count accumulated
    /// since the last one, so a hot error loop costs O(1) API writes.
    public var flushInterval: Duration = .seconds(10)
    /// Events remembered for aggregation; the oldest are forgotten beyond this.
    public var cacheLimit = 4096
    /// New Events created at once. client-go's events broadcaster creates each Event in a
    /// goroutine of its own; one create at a time cannot keep up with several reconcile
    /// workers (a burst of 1,000 first versions left 678 Events to be written after the last
    /// object was Healthy). Bounded so that a burst of 10,000 does not open 10,000 requests.
    public var concurrentCreates = 32
    /// Monotonic time for windows and intervals.
    public var time: TimeSource = .continuous
    /// Wall-clock time written as `eventTime` and `series.lastObservedTime`.
    public var wallClock: @Sendable () -> Date = { Date() }

    public init(reportingController: String, reportingInstance: String? = nil) {
        self.reportingController = reportingController
        self.reportingInstance = reportingInstance ?? (reportingController + "-" + ProcessInfo.processInfo.hostName)
    }

    /// The API server's limits on events.k8s.io/v1 fields (validation.go).
    static let maxNoteBytes = 1024
    static let maxFieldLength = 128
}
