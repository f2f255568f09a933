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
