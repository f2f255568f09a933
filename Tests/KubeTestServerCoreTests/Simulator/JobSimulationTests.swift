import KubeCore
import KubeTestServerCore
import Testing

@Suite struct JobSimulationTests {
    static let digest = "sha256:" + String(repeating: "ab", count: 32)

    @Test func successfulJobReportsTerminationMessageAndImageID() async throws {
        let h = SimulatorHarness()
        defer { h.shutdown() }
        let job = await h.create(SimulatorHarness.jobs, SimulatorHarness.job("train", annotations: [
            "sim.modelops.io/termination-message": "{\"metrics\":{\"accuracy\":0.93}}",
            "sim.modelops.io/image-digest": .string(Self.digest),
            "sim.modelops.io/run-seconds": "0.02",
        ], extraSpec: ["backoffLimit": 2]))
        let uid = try #require(job[path: ["metadata", "uid"]]?.stringValue)
        let done = try #require(await h.waitFor("\(SimulatorHarness.jobs)/train") { conditionIs($0, "Complete", "True") })

        let status = try #require(done["status"])
        #expect(status["succeeded"] == 1)
        #expect(status["failed"] == nil)
        #expect(status["active"] == nil)
        #expect(status["ready"] == 0)
        #expect(status["terminating"] == 0)
        #expect(status["uncountedTerminatedPods"] == [:])
        #expect(status["startTime"]?.stringValue != nil)
        #expect(status["completionTime"]?.stringValue != nil)
        #expect(status["conditions"]?.arrayValue?.compactMap { $0["type"]?.stringValue } == ["SuccessCriteriaMet", "Complete"])
        for type in ["SuccessCriteriaMet", "Complete"] {
            #expect(condition(done, type)?["reason"] == "CompletionsReached")
            #expect(condition(done, type)?["message"] == "Reached expected number of succeeded pods")
        }

        let pods = await h.pods(ofJob: "train")
        try #require(pods.count == 1)
        let pod = pods[0]
        #expect(pod[path: ["metadata", "generateName"]] == "train-")
        #expect(pod[path: ["metadata", "name"]]?.stringValue?.hasPrefix("train-") == true)
        #expect(pod[path: ["metadata", "labels", "batch.kubernetes.io/controller-uid"]] == .string(uid))
        #expect(pod[path: ["metadata", "labels", "job-name"]] == "train")
        #expect(pod[path: ["metadata", "ownerReferences"]] == [[
            "apiVersion": "batch/v1", "kind": "Job", "name": "train", "uid": .string(uid), "controller": true, "blockOwnerDeletion": true,
        ]])
        #expect(pod[path: ["status", "phase"]] == "Succeeded")
        let container = try #require(pod[path: ["status", "containerStatuses"]]?[0])
        let terminated = try #require(container[path: ["state", "terminated"]])
        #expect(terminated["exitCode"] == 0)
        #expect(terminated["reason"] == "Completed")
        #expect(terminated["message"] == "{\"metrics\":{\"accuracy\":0.93}}")
        #expect(terminated["startedAt"]?.stringValue != nil && terminated["finishedAt"]?.stringValue != nil)
        #expect(container["imageID"] == .string("docker-pullable://registry.example/train@\(Self.digest)"))
        #expect(container["image"] == "registry.example/train:1")
        #expect(container["ready"] == false)
        #expect(conditionIs(pod, "Ready", "False"))
        #expect(h.simulator.failures.isEmpty)
    }

    @Test("Options.terminationMessage writes the message of successful attempts the annotations leave empty, from the pod and what the server stores")
    func terminationMessageHook() async throws {
        let h = SimulatorHarness {
            $0.terminationMessage = { pod, api in
                // Reads the pod's owner from the store, as the playground's trainer reads its TrainingJob.
                let owner = pod[path: ["metadata", "labels", "job-name"]]?.stringValue ?? ""
                let job = api.store.withState { $0.get("jobs.batch", ObjectKey(namespace: "default", name: owner))?.object }
                return job == nil ? nil : "{\"job\":\"\(owner)\"}"
            }
        }
        defer { h.shutdown() }
        await h.create(SimulatorHarness.jobs, SimulatorHarness.job("hooked", annotations: ["sim.modelops.io/run-seconds": "0.01"]))
        await h.create(SimulatorHarness.jobs, SimulatorHarness.job("annotated", annotations: [
            "sim.modelops.io/termination-message": "mine", "sim.modelops.io/run-seconds": "0.01"]))
        await h.create(SimulatorHarness.jobs, SimulatorHarness.job("failing", annotations: [
            "sim.modelops.io/exit-code": "2", "sim.modelops.io/run-seconds": "0.01"], extraSpec: ["backoffLimit": 0]))
        try #require(await h.waitFor("\(SimulatorHarness.jobs)/hooked") { conditionIs($0, "Complete", "True") } != nil)
        try #require(await h.waitFor("\(SimulatorHarness.jobs)/annotated") { conditionIs($0, "Complete", "True") } != nil)
        try #require(await h.waitFor("\(SimulatorHarness.jobs)/failing") { conditionIs($0, "Failed", "True") } != nil)
        func message(_ job: String) async -> JSON? {
            await h.pods(ofJob: job).first?[path: ["status", "containerStatuses"]]?[0]?[path: ["state", "terminated", "message"]]
        }
        #expect(await message("hooked") == "{\"job\":\"hooked\"}")
        #expect(await message("annotated") == "mine", "an annotation wins over the hook")
        #expect(await message("failing") == nil, "a failed attempt does not get the hook's message")
    }

    @Test func failingAttemptsExhaustBackoffLimit() async throws {
        let h = SimulatorHarness()
        defer { h.shutdown() }
        await h.create(SimulatorHarness.jobs, SimulatorHarness.job("crash", annotations: [
            "sim.modelops.io/exit-code": "3", "sim.modelops.io/termination-message": "boom", "sim.modelops.io/run-seconds": "0.01",
        ], extraSpec: ["backoffLimit": 2]))
        let failed = try #require(await h.waitFor("\(SimulatorHarness.jobs)/crash") { conditionIs($0, "Failed", "True") })
        #expect(failed[path: ["status", "failed"]] == 3)
        #expect(failed[path: ["status", "succeeded"]] == nil)
        #expect(failed[path: ["status", "completionTime"]] == nil)
        #expect(failed[path: ["status", "conditions"]]?.arrayValue?.compactMap { $0["type"]?.stringValue } == ["FailureTarget", "Failed"])
        #expect(condition(failed, "Failed")?["reason"] == "BackoffLimitExceeded")
        #expect(condition(failed, "Failed")?["message"] == "Job has reached the specified backoff limit")
        let pods = await h.pods(ofJob: "crash")
        #expect(pods.count == 3)
        for pod in pods {
            #expect(pod[path: ["status", "phase"]] == "Failed")
            let terminated = pod[path: ["status", "containerStatuses"]]?[0]?[path: ["state", "terminated"]]
            #expect(terminated?["exitCode"] == 3)
            #expect(terminated?["reason"] == "Error")
            #expect(terminated?["message"] == "boom")
        }
    }

    @Test(arguments: ["Never", "OnFailure"])
    func failAttemptsThenSuccess(restartPolicy: String) async throws {
        let h = SimulatorHarness()
        defer { h.shutdown() }
        await h.create(SimulatorHarness.jobs, SimulatorHarness.job("flaky", annotations: [
            "sim.modelops.io/fail-attempts": "2", "sim.modelops.io/fail-message": "transient",
            "sim.modelops.io/termination-message": "ok", "sim.modelops.io/run-seconds": "0.01",
        ], restartPolicy: restartPolicy, extraSpec: ["backoffLimit": 4]))
        let done = try #require(await h.waitFor("\(SimulatorHarness.jobs)/flaky") { conditionIs($0, "Complete", "True") })
        #expect(done[path: ["status", "succeeded"]] == 1)
        let pods = await h.pods(ofJob: "flaky")
        if restartPolicy == "Never" {
            // A new pod per attempt: two failed, one succeeded.
            #expect(done[path: ["status", "failed"]] == 2)
            #expect(pods.count == 3)
            #expect(pods.filter { $0[path: ["status", "phase"]] == "Failed" }.count == 2)
            let messages = pods.compactMap { $0[path: ["status", "containerStatuses"]]?[0]?[path: ["state", "terminated", "message"]]?.stringValue }
            #expect(messages.sorted() == ["ok", "transient", "transient"])
        } else {
            // The same pod restarts: its restartCount counts the failures.
            #expect(done[path: ["status", "failed"]] == nil)
            try #require(pods.count == 1)
            let container = pods[0][path: ["status", "containerStatuses"]]?[0]
            #expect(container?["restartCount"] == 2)
            #expect(container?[path: ["lastState", "terminated", "exitCode"]] == 1)
            #expect(container?[path: ["lastState", "terminated", "message"]] == "transient")
            #expect(container?[path: ["state", "terminated", "message"]] == "ok")
        }
    }

    @Test func onFailureRestartsCountAgainstBackoffLimit() async throws {
        let h = SimulatorHarness()
        defer { h.shutdown() }
        await h.create(SimulatorHarness.jobs, SimulatorHarness.job("loop", annotations: [
            "sim.modelops.io/exit-code": "1", "sim.modelops.io/run-seconds": "0.01",
        ], restartPolicy: "OnFailure", extraSpec: ["backoffLimit": 2]))
        let failed = try #require(await h.waitFor("\(SimulatorHarness.jobs)/loop") { conditionIs($0, "Failed", "True") })
        #expect(condition(failed, "Failed")?["reason"] == "BackoffLimitExceeded")
        #expect(failed[path: ["status", "failed"]] == 1)
        #expect(failed[path: ["status", "active"]] == nil)
        // The restarting pod is terminated.
        #expect(await h.waitForPods(ofJob: "loop", count: 0))
    }

    @Test func activeDeadlineSecondsEndsTheJob() async throws {
        let h = SimulatorHarness { $0.speed = 10 }
        defer { h.shutdown() }
        await h.create(SimulatorHarness.jobs, SimulatorHarness.job("slow", annotations: ["sim.modelops.io/run-seconds": "100"],
                                                                    extraSpec: ["activeDeadlineSeconds": 1]))
        let failed = try #require(await h.waitFor("\(SimulatorHarness.jobs)/slow") { conditionIs($0, "Failed", "True") })
        #expect(condition(failed, "Failed")?["reason"] == "DeadlineExceeded")
        #expect(condition(failed, "Failed")?["message"] == "Job was active longer than specified deadline")
        #expect(condition(failed, "FailureTarget")?["reason"] == "DeadlineExceeded")
        #expect(failed[path: ["status", "failed"]] == 1)
        #expect(failed[path: ["status", "active"]] == nil)
        #expect(failed[path: ["status", "completionTime"]] == nil)
        #expect(await h.waitForPods(ofJob: "slow", count: 0))
    }

    @Test(arguments: ["0", "3"])
    func ttlAfterFinishedDeletesTheJobAndItsPods(exitCode: String) async throws {
        let h = SimulatorHarness { $0.speed = 4 }
        defer { h.shutdown() }
        await h.create(SimulatorHarness.jobs, SimulatorHarness.job("ttl", annotations: [
            "sim.modelops.io/run-seconds": "0.01", "sim.modelops.io/exit-code": .string(exitCode),
        ], extraSpec: ["backoffLimit": 0, "ttlSecondsAfterFinished": 8]))
        let clock = ContinuousClock()
        let finished = try #require(await h.waitFor("\(SimulatorHarness.jobs)/ttl") {
            conditionIs($0, "Complete", "True") || conditionIs($0, "Failed", "True")
        })
        let finishedAt = clock.now
        #expect(conditionIs(finished, exitCode == "0" ? "Complete" : "Failed", "True"))
        // 8 s at speed 4: 2 s after the finish, less up to 1 s because condition times have
        // whole seconds (as a cluster's do).
        let deadline = clock.now + .seconds(20)
        while clock.now < deadline, await h.get("\(SimulatorHarness.jobs)/ttl") != nil {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(await h.get("\(SimulatorHarness.jobs)/ttl") == nil, "the TTL controller deletes the finished Job")
        #expect(clock.now - finishedAt > .milliseconds(500), "not before its TTL")
        #expect(await h.waitForPods(ofJob: "ttl", count: 0), "the Job's pods go with it")
        #expect(h.simulator.failures.isEmpty)
    }

    @Test func finishedJobWithoutTTLStays() async throws {
        let h = SimulatorHarness { $0.speed = 4 }
        defer { h.shutdown() }
        await h.create(SimulatorHarness.jobs, SimulatorHarness.job("keep", annotations: ["sim.modelops.io/run-seconds": "0.01"]))
        #expect(await h.waitFor("\(SimulatorHarness.jobs)/keep") { conditionIs($0, "Complete", "True") } != nil)
        await h.simulator.settle()
        #expect(await h.get("\(SimulatorHarness.jobs)/keep") != nil)
        #expect(await h.pods(ofJob: "keep").count == 1)
    }

    @Test func deletingAJobCollectsItsPods() async throws {
        let h = SimulatorHarness()
        defer { h.shutdown() }
        await h.create(SimulatorHarness.jobs, SimulatorHarness.job("gone", annotations: ["sim.modelops.io/run-seconds": "100"]))
        #expect(await h.waitForPods(ofJob: "gone", count: 1))
        let (code, _) = await h.request("DELETE", "\(SimulatorHarness.jobs)/gone?propagationPolicy=Background")
        #expect(code == 200)
        #expect(await h.waitForPods(ofJob: "gone", count: 0))
        await h.simulator.settle()
        #expect(await h.pods(ofJob: "gone").isEmpty, "the job controller must not recreate pods of a deleted Job")
    }

    @Test func terminationMessageIsCutTo4096Bytes() async throws {
        let h = SimulatorHarness()
        defer { h.shutdown() }
        let long = String(repeating: "é", count: 3000)  // 6000 bytes
        await h.create(SimulatorHarness.jobs, SimulatorHarness.job("chatty", annotations: [
            "sim.modelops.io/termination-message": .string(long), "sim.modelops.io/run-seconds": "0.01",
        ]))
        #expect(await h.waitFor("\(SimulatorHarness.jobs)/chatty") { conditionIs($0, "Complete", "True") } != nil)
        let message = await h.pods(ofJob: "chatty").first?[path: ["status", "containerStatuses"]]?[0]?[path: ["state", "terminated", "message"]]?.stringValue
        #expect(message?.utf8.count == 4096)
        #expect(message == String(repeating: "é", count: 2048))
    }

    @Test func jobControllerSwitchedOffCreatesNoPods() async throws {
        let h = SimulatorHarness { $0.jobs = false }
        defer { h.shutdown() }
        await h.create(SimulatorHarness.jobs, SimulatorHarness.job("manual"))
        await h.simulator.settle()
        #expect(await h.pods(ofJob: "manual").isEmpty)
        #expect(await h.get("\(SimulatorHarness.jobs)/manual")?["status"] == [:])
    }
}

extension SimulatorHarness {
    func waitForPods(ofJob name: String, count: Int) async -> Bool {
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(20)
        while clock.now < deadline {
            if await pods(ofJob: name).count == count { return true }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return false
    }
}
