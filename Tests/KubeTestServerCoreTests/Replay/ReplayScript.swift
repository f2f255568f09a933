import KubeCore
import KubeTestServerCore

/// What happened in the recording besides the recorded exchanges, and how the replay does it:
/// the other actors (kube-controller-manager, the recorder's simulated kubelet) and the
/// recorder's own writes between exchanges. Objects are rebuilt from the recorded answers that
/// show them (`RecordedObject`: what each field manager set), never invented.
enum ReplayScript {
    static let gizmos = "/apis/golden.example.com/v1/namespaces/golden/gizmos"
    static let lists = "/api/v1/namespaces/golden2-lists"
    static let watched = "/api/v1/namespaces/golden2-watch"

    static let steps: [ReplayStep] = [
        .before(1, """
            kube-controller-manager's deployment and job controllers ran during 001-084: the workload simulator plays \
            them; the kubelet was the recorder's (python-requests), so the simulator's kubelet stays off and 076 \
            writes the pod's status as recorded
            """) { session in
            var options = WorkloadSimulator.Options()
            options.pods = false
            session.simulator = WorkloadSimulator(api: session.api, options: options)
            session.simulator?.start()
        },
        .before(54, """
            the recorder created the ConfigMaps page-0 to page-6 that 054 and 055 page through (page-6, never shown, \
            is the item remainingItemCount still counts after 055)
            """) { session in
            let shown = GoldenExchange.numbered(54).recordedItems + GoldenExchange.numbered(55).recordedItems
            for item in shown + [["metadata": ["name": "page-6", "namespace": "golden"]]] {
                try await session.createAsRecorded(item, in: "/api/v1/namespaces/golden/configmaps", type: ("v1", "ConfigMap"))
            }
        },
        .whileWatching(57, "the recorder created delta, scaled it, labelled it and deleted it while 057 watched (its events)") { session in
            try await session.replayWrites(of: GoldenExchange.numbered(57).recordedEvents, in: gizmos)
        },
        .whileWatching(58, """
            the recorder labelled beta team=ml, then team=ops, while 058 watched team=ml (its ADDED and DELETED; \
            059 shows beta with team=ops)
            """) { session in
            for team in ["ml", "ops"] {
                try await session.write("PATCH", gizmos + "/beta", ["metadata": ["labels": ["team": .string(team)]]],
                                        contentType: "application/merge-patch+json")
            }
        },
        .before(61, """
            the recorder wrote alpha's spec.replicas 1,500 times before 061 (whose events end with MODIFIED alpha \
            at generation 1503), so that 061 watches from a resourceVersion 1,500 writes old
            """) { session in
            for i in 0..<1500 {
                try await session.write("PATCH", gizmos + "/alpha", ["spec": ["replicas": .int(Int64(10 + i % 2))]],
                                        contentType: "application/merge-patch+json")
            }
        },
        .before(70, "kube-controller-manager made serve available once the kubelet ran its pod (070's status)") { session in
            try await session.waitFor("/apis/apps/v1/namespaces/golden/deployments/serve") { deployment in
                (deployment[path: ["status", "conditions"]]?.arrayValue ?? []).contains {
                    $0["type"] == "Progressing" && $0["reason"] == "NewReplicaSetAvailable"
                }
            }
        },
        .before(76, """
            the recorder's simulated kubelet bound train's pod to sim-node and wrote its Succeeded status (077's pod, \
            a strategic merge patch: PodScheduled stays); then the job controller completed train (076)
            """) { session in
            let pods = "/api/v1/namespaces/golden/pods"
            let pod = try await session.waitFor(in: pods, query: ["labelSelector": "batch.kubernetes.io/job-name=train"]) { _, _ in true }
            let name = pod[path: ["metadata", "name"]]?.stringValue ?? ""
            let recorded = GoldenExchange.numbered(77).recordedItems.first ?? [:]
            // A refused binding still lets the job complete; it is reported after.
            var refused: Error?
            do {
                try await session.write("POST", pods + "/" + name + "/binding", [
                    "apiVersion": "v1", "kind": "Binding", "metadata": ["name": .string(name)],
                    "target": ["apiVersion": "v1", "kind": "Node", "name": recorded[path: ["spec", "nodeName"]] ?? "sim-node"],
                ])
            } catch {
                refused = error
            }
            try await session.writeStatusAsRecorded(recorded, at: pods + "/" + name, contentType: "application/strategic-merge-patch+json")
            try await session.waitFor("/apis/batch/v1/namespaces/golden/jobs/train") { job in
                (job[path: ["status", "conditions"]]?.arrayValue ?? []).contains { $0["type"] == "Complete" && $0["status"] == "True" }
            }
            if let refused { throw refused }
        },
        .before(84, """
            the test server's garbage collector finishes deleting golden in the background as soon as its content \
            is gone; the replay waits for it so that 084 always meets the same state (see KnownMismatches)
            """) { session in
            try await session.waitUntilGone("/api/v1/namespaces/golden")
        },
        .before(85, """
            the recording of 085-159 ran kube-controller-manager without a scheduler or kubelet; what its \
            controllers wrote there is written below as recorded, so the simulator stops
            """) { session in
            session.simulator?.stop()
            session.simulator = nil
        },
        .before(90, "the recorder created the namespace golden2-crd") { session in
            try await session.createNamespace("golden2-crd")
        },
        .before(93, "the recorder created the Rollout r3 that 093 lists (r2 was refused, 092)") { session in
            let r3 = GoldenExchange.numbered(93).recordedItems.first { $0[path: ["metadata", "name"]] == "r3" } ?? [:]
            try await session.createAsRecorded(r3, in: "/apis/golden2.example.com/v1/namespaces/golden2-crd/rollouts")
        },
        .before(117, """
            the recorder created the namespaces golden2-watch and golden2-lists (kube-controller-manager put \
            kube-root-ca.crt in each: 128's first initial event, 118) and the objects 118-123 list, in the order of \
            their recorded resourceVersions
            """) { session in
            try await session.createNamespace("golden2-watch")
            let root = initialEvents(128).compactMap { $0["object"] }.first { $0[path: ["metadata", "name"]] == "kube-root-ca.crt" } ?? [:]
            try await session.createAsRecorded(root, in: watched + "/configmaps")
            try await session.createNamespace("golden2-lists")
            let lists: [(Int, String, String, String)] = [
                (118, "configmaps", "v1", "ConfigMap"), (119, "secrets", "v1", "Secret"), (120, "services", "v1", "Service"),
                (121, "pods", "v1", "Pod"), (122, "leases", "coordination.k8s.io/v1", "Lease"),
                (123, "events", "events.k8s.io/v1", "Event"),
            ]
            let objects = lists.flatMap { number, plural, apiVersion, kind in
                GoldenExchange.numbered(number).recordedItems.map { (item: $0, plural: plural, type: (apiVersion, kind)) }
            }
            for (item, plural, type) in objects.sorted(by: { resourceVersion($0.item) < resourceVersion($1.item) }) {
                try await session.createAsRecorded(item, in: collection(type.0, plural, "golden2-lists"), type: type)
            }
        },
        .before(118, "the recorder's simulated kubelet wrote pod-a's Running status after 117's binding (121's pod-a)") { session in
            let pod = GoldenExchange.numbered(121).recordedItems.first { $0[path: ["metadata", "name"]] == "pod-a" } ?? [:]
            try await session.writeStatusAsRecorded(pod, at: lists + "/pods/pod-a")
        },
        .before(124, """
            the recorder created deploy-a and deploy-b (124) and the suspended job-a and job-b (125); \
            kube-controller-manager wrote their status (and the revision annotation) as recorded: without a kubelet \
            no pod became available
            """) { session in
            let objects = GoldenExchange.numbered(124).recordedItems.map { ($0, "apps/v1", "Deployment", "deployments") }
                + GoldenExchange.numbered(125).recordedItems.map { ($0, "batch/v1", "Job", "jobs") }
            for (item, apiVersion, kind, plural) in objects.sorted(by: { resourceVersion($0.0) < resourceVersion($1.0) }) {
                let path = collection(apiVersion, plural, "golden2-lists")
                try await session.createAsRecorded(item, in: path, type: (apiVersion, kind))
                try await session.writeStatusAsRecorded(item, at: path + "/" + (item[path: ["metadata", "name"]]?.stringValue ?? ""))
            }
        },
        .before(124, """
            kube-controller-manager's replicaset controller created one pod per Deployment (142 lists them); the \
            test server serves no ReplicaSets, so their owner reference, which names the ReplicaSet as recorded, \
            carries the Deployment's uid (the garbage collector would delete a pod whose owner is missing)
            """) { session in
            let pods = GoldenExchange.numbered(142).recordedItems.filter { $0[path: ["metadata", "generateName"]] != nil }
            for pod in pods {
                let deployment = pod[path: ["metadata", "labels", "app"]]?.stringValue ?? ""
                let uid = try await session.uid(of: "/apis/apps/v1/namespaces/golden2-lists/deployments/" + deployment)
                try await session.createAsRecorded(pod, in: lists + "/pods", type: ("v1", "Pod")) { body in
                    let references = body[path: ["metadata", "ownerReferences"]]?.arrayValue ?? []
                    body[path: ["metadata", "ownerReferences"]] = .array(references.map { reference in
                        var reference = reference
                        reference["uid"] = .string(uid)
                        return reference
                    })
                }
            }
        },
        .whileWatching(126, "the recorder created, updated and deleted the ConfigMap watched (126's events)") { session in
            try await session.replayWrites(of: GoldenExchange.numbered(126).recordedEvents, in: watched + "/configmaps")
        },
        .whileWatching(127, """
            the recorder created the Deployment watched, changed its image and deleted it; kube-controller-manager \
            wrote its status in between (127's events)
            """) { session in
            try await session.replayWrites(of: GoldenExchange.numbered(127).recordedEvents,
                                           in: "/apis/apps/v1/namespaces/golden2-watch/deployments")
        },
        .before(128, "the recorder created the ConfigMaps s1 and s2 (128's initial events)") { session in
            for event in initialEvents(128) where ["s1", "s2"].contains(event[path: ["object", "metadata", "name"]]?.stringValue ?? "") {
                try await session.createAsRecorded(event["object"] ?? [:], in: watched + "/configmaps")
            }
        },
        .whileWatching(128, "the recorder created the ConfigMap late 1 s into 128 (its event after the initial-events-end bookmark)") { session in
            try await session.replayWrites(of: liveEvents(128), in: watched + "/configmaps")
        },
        .before(133, "the recorder created the namespace golden2-proto for kubectl's creates (134-137)") { session in
            try await session.createNamespace("golden2-proto")
        },
        .before(138, "the recorder deleted the ConfigMap pcm that 134 created: 138's same bytes created it again (201, a new uid)") { session in
            try await session.write("DELETE", "/api/v1/namespaces/golden2-proto/configmaps/pcm")
        },
        .whileWatching(150, "the recorder bound pod-b to golden2-node while 150 watched (its ADDED event)") { session in
            try await session.write("POST", lists + "/pods/pod-b/binding", [
                "apiVersion": "v1", "kind": "Binding", "metadata": ["name": "pod-b"],
                "target": ["apiVersion": "v1", "kind": "Node", "name": "golden2-node"],
            ])
        },
        .before(151, "the recorder created the namespace golden2-ssa") { session in
            try await session.createNamespace("golden2-ssa")
        },
        .before(155, """
            the field manager golden2-editor set data.c with an update (not an apply) before 155, whose conflict \
            names it "using v1"
            """) { session in
            try await session.write("PATCH", "/api/v1/namespaces/golden2-ssa/configmaps/applied", ["data": ["c": "theirs"]],
                                    query: ["fieldManager": "golden2-editor"], contentType: "application/merge-patch+json")
        },
    ]

    /// Exchanges whose causes the real server reported in Go map order, which varies from one
    /// request to the next: compared as a set.
    static let unorderedCauses: [Int: String] = [
        19: "sibling properties are validated in Go map order (GizmoGoldenTests.severalViolationsAtOnce)",
        106: "the recording says the order of the three causes varies from one request to the next",
    ]

    /// Watches from a resourceVersion no recorded answer shows: the recorder's latest state at the
    /// time, so the replay watches from its own latest.
    static let watchFromNow: [Int: String] = [
        58: "resourceVersion 243 follows 057's last event (240) by writes between exchanges that no answer shows",
    ]

    static func collection(_ apiVersion: String, _ plural: String, _ namespace: String) -> String {
        (apiVersion.contains("/") ? "/apis/" : "/api/") + apiVersion + "/namespaces/" + namespace + "/" + plural
    }

    static func resourceVersion(_ object: JSON) -> Int {
        Int(object[path: ["metadata", "resourceVersion"]]?.stringValue ?? "") ?? 0
    }

    /// A streaming list's events before its initial-events-end bookmark, and after it.
    static func initialEvents(_ number: Int) -> [JSON] {
        let events = GoldenExchange.numbered(number).recordedEvents
        return Array(events.prefix { !WatchComparison.isInitialEventsEnd($0) })
    }

    static func liveEvents(_ number: Int) -> [JSON] {
        let events = GoldenExchange.numbered(number).recordedEvents
        guard let end = events.firstIndex(where: WatchComparison.isInitialEventsEnd) else { return [] }
        return Array(events[(end + 1)...])
    }
}

extension ReplaySession {
    /// A namespace as the recorder created it.
    func createNamespace(_ name: String) async throws {
        try await write("POST", "/api/v1/namespaces", ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": .string(name)]])
    }
}
