import ArgumentParser
import Foundation
import KubeCore
import KubeTestServerCore

/// `schedule`: N RetrainPolicies whose cron schedules all fall due in the same minute: the skew
/// from that slot to each policy's TrainingJob appearing (the watch event of its create), and
/// its creationTimestamp less the slot (whole seconds, as Kubernetes stamps it). In process the
/// slot is an hour ahead and the clock the server and operator share jumps to it once every
/// policy has its next run in status; against a real cluster the bench waits for it.
struct ScheduleBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schedule", abstract: "N RetrainPolicies due in the same minute: slot→TrainingJob skew.")

    @OptionGroup var options: OperatorBenchOptions

    @Option(help: "With --kubeconfig: seconds from start to the slot (default: 60 + objects/50).")
    var lead: Double?

    func run() async throws {
        let progress = Progress(quiet: options.json)
        let n = options.objects
        let started = ContinuousClock.now
        let cluster = try await BenchCluster.start(options, simulator: nil)
        let policies = StateTracker.retrainPolicies()
        let jobs = StateTracker { _ in "Created" }
        let watches = [
            try await cluster.watch(Kinds.retrainPolicies) { policies.observe($0) },
            try await cluster.watch(Kinds.trainingJobs) { jobs.observe($0) },
        ]
        let rssBefore = ProcessStats.trimmedRSSMB()
        let op = try OperatorUnderTest(cluster: cluster, options: options)
        var report = BenchReport(scenario: "schedule", objects: n, cluster: cluster)
        do {
            op.start()
            try await waitUntil("every informer synced", timeout: options.timeout, every: .milliseconds(5)) { op.hasSynced }
            let leadSeconds = cluster.clock == nil ? (lead ?? 60 + Double(n) / 50) : 3600
            let slot = Self.minute(after: cluster.now().addingTimeInterval(leadSeconds))
            let utc = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: slot)
            let schedule = "\(utc.minute!) \(utc.hour!) * * *"
            progress.say("creating \(n) RetrainPolicies due at \(KubeTime(slot).rfc3339) (\(schedule) UTC)")
            try await cluster.createAll(Kinds.retrainPolicies, count: n) {
                BenchObjects.retrainPolicy(BenchObjects.name("policy", $0), modelDeployment: BenchObjects.name("mdep", $0), schedule: schedule)
            }
            try await waitUntil("\(n) RetrainPolicies scheduled", timeout: options.timeout, every: .milliseconds(20), progress: progress,
                                status: { "(\(policies.count("Scheduled")) scheduled)" }) {
                policies.count("Scheduled") == n
            }
            guard jobs.seen == 0 else { throw ValidationError("TrainingJobs appeared before the slot") }
            let countsBefore = cluster.requestCounts()
            let opBefore = op.requestsByMethod
            let opWritesBefore = op.writes
            let slotInstant: ContinuousClock.Instant
            if let clock = cluster.clock {
                progress.say("moving the clock to the slot")
                clock.advance(to: slot)
                slotInstant = .now
            } else {
                let wait = slot.timeIntervalSinceNow
                guard wait > 0 else { throw ValidationError("the policies settled after their slot; give a longer --lead") }
                progress.say("waiting \(Int(wait)) s for the slot")
                slotInstant = .now + .milliseconds(Int64(wait * 1000))
            }
            try await waitUntil("\(n) TrainingJobs", timeout: options.timeout + max(0, (slotInstant - .now).seconds),
                                every: .milliseconds(20), progress: progress, status: { "(\(jobs.seen) created)" }) {
                jobs.seen >= n
            }
            try await op.waitQuiet(timeout: options.timeout)
            let countsAfter = cluster.requestCounts()
            let seen = jobs.firstSeen("Created")
            let skews = seen.values.map { max(0, ($0 - slotInstant).milliseconds) }
            let created = try await cluster.list(Kinds.trainingJobs)
            let stamped = created.compactMap { job -> Double? in
                guard let text = job[path: ["metadata", "creationTimestamp"]]?.stringValue, let time = KubeTime(rfc3339: text) else { return nil }
                return time.date.timeIntervalSince(slot)
            }
            let perPolicy = Dictionary(grouping: created) { $0[path: ["metadata", "labels", "modelops.io/retrain-policy"]]?.stringValue ?? "" }
            report["slot"] = .string(KubeTime(slot).rfc3339)
            report["slotToCreatedMs"] = BenchReport.percentiles(skews)
            report["creationTimestampSkewSeconds"] = Self.seconds(stamped)
            report["secondsToAllCreated"] = BenchReport.round((seen.values.max() ?? slotInstant) > slotInstant
                ? ((seen.values.max() ?? slotInstant) - slotInstant).seconds : 0)
            report["trainingJobs"] = .int(Int64(created.count))
            report["policiesWithOneJob"] = .int(Int64(perPolicy.values.filter { $0.count == 1 }.count))
            report["operatorWritesPerPolicy"] = BenchReport.round(Double(op.writes - opWritesBefore) / Double(n), 100)
            report.apiRequests(from: countsBefore, to: countsAfter)
            report.operatorRequests(op, since: opBefore)
            report["rssMB"] = .double(ProcessStats.rssMB())
            report["rssGrowthMB"] = BenchReport.round(ProcessStats.trimmedRSSMB() - rssBefore, 10)
        } catch {
            watches.forEach { $0.stop() }
            await op.stop()
            await cluster.stop()
            throw error
        }
        watches.forEach { $0.stop() }
        await op.stop()
        await cluster.stop()
        report.settings(options)
        report["seconds"] = BenchReport.round((ContinuousClock.now - started).seconds)
        report.print()
    }

    /// The first whole minute at or after `date`.
    static func minute(after date: Date) -> Date {
        Date(timeIntervalSince1970: (date.timeIntervalSince1970 / 60).rounded(.up) * 60)
    }

    /// p50, p99 and max of whole-second values.
    static func seconds(_ values: [Double]) -> JSON {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return .null }
        func p(_ q: Double) -> Double { sorted[min(sorted.count - 1, Int(Double(sorted.count - 1) * q))] }
        return ["p50": .double(p(0.5)), "p99": .double(p(0.99)), "max": .double(sorted.last!), "n": .int(Int64(sorted.count))]
    }
}
