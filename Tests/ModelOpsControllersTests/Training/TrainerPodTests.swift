import KubeCore
import ModelOpsAPI
import Testing
@testable import ModelOpsControllers

@Suite struct TrainerPodTests {
    /// A pod as the API server returns it: a sidecar whose status comes first, a big spec.
    static func withSidecar(_ pod: JSON) -> JSON {
        var pod = pod
        pod[path: ["spec", "containers"]] = [
            ["name": "trainer", "image": "registry.example/train:1", "env": [["name": "A", "value": "1"]]],
            ["name": "proxy", "image": "registry.example/proxy:2"],
        ]
        pod[path: ["spec", "volumes"]] = [["name": "data", "emptyDir": [:]]]
        pod[path: ["spec", "tolerations"]] = [["key": "nvidia.com/gpu", "operator": "Exists"]]
        let statuses = pod[path: ["status", "containerStatuses"]]?.arrayValue ?? []
        pod[path: ["status", "containerStatuses"]] = .array(
            [["name": "proxy", "state": ["terminated": ["exitCode": 137, "message": "killed"]], "restartCount": 4]] + statuses)
        return pod
    }

    static let pods: [JSON] = [
        TrainingFixtures.pod("running", phase: "Running"),
        TrainingFixtures.pod("done", phase: "Succeeded", exitCode: 0, message: #"{"metrics":{"accuracy":0.93}}"#),
        TrainingFixtures.pod("crashed", phase: "Failed", exitCode: 1, message: "Traceback", restarts: 2),
        TrainingFixtures.pod("pending", phase: "Pending", unschedulable: "0/3 nodes are available: 3 Insufficient nvidia.com/gpu."),
    ].map(withSidecar)

    @Test("the caches keep a trainer pod's metadata, status and container names and a Job's metadata and status; the backend observes the same from them")
    func cachedPodReadsTheSame() {
        let backend = JobBackend()
        for pod in Self.pods {
            let cached = TrainerPod.cached(pod)
            #expect(cached["metadata"] == pod["metadata"])
            #expect(cached["status"] == pod["status"])
            #expect(cached[path: ["spec", "containers"]] == [["name": "trainer"], ["name": "proxy"]])
            #expect(cached[path: ["spec", "volumes"]] == nil && cached[path: ["spec", "tolerations"]] == nil)
            // The trainer is found by the spec's first container, not by the first status.
            #expect(TrainerPod.trainerStatus(cached) == TrainerPod.trainerStatus(pod))
            if (pod[path: ["status", "containerStatuses"]]?.arrayValue?.count ?? 0) > 1 {
                #expect(TrainerPod.trainerStatus(cached)?["name"] == "trainer")
            }
        }
        let job = backend.desiredWorkload(for: TrainingFixtures.job(), name: "fraud-v7",
                                          owner: OwnerReference(apiVersion: "modelops.io/v1alpha1", kind: "TrainingJob", name: "fraud-v7", uid: "uid-fraud-v7"))
        #expect(job[path: ["spec", "template"]] != nil)
        #expect(backend.cached(workload: job)["spec"] == nil)
        #expect(backend.cached(workload: job)["metadata"] == job["metadata"])
        for workload in [TrainingFixtures.jobObject(active: 1),
                         TrainingFixtures.jobObject(conditions: [("Complete", "CompletionsReached", "")], succeeded: 1),
                         TrainingFixtures.jobObject(conditions: [("Failed", "BackoffLimitExceeded", "limit")], failed: 3)] {
            for pods in [Self.pods, [Self.pods[1]], [Self.pods[3]], [Self.pods[2], Self.pods[0]]] {
                #expect(backend.observe(workload: backend.cached(workload: workload), pods: pods.map(TrainerPod.cached))
                        == backend.observe(workload: workload, pods: pods))
            }
        }
    }
}
