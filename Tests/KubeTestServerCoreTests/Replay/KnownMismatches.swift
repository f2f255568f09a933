/// The ONE place that lists the recorded exchanges the test server does not match yet, each
/// with the reason and the area that owns the fix. `GoldenReplayTests` fails when a listed
/// exchange starts matching (remove it here) or an unlisted one stops matching.
enum KnownMismatches {
    enum Area: String, Sendable, CaseIterable {
        case crdAdmission = "crd-admission"
        case celCompile = "cel-compile"
        case wire
        case protobuf
        case lead = "lead (a decision)"
    }

    struct Entry: Sendable {
        let area: Area
        let reason: String

        init(_ area: Area, _ reason: String) {
            self.area = area
            self.reason = reason
        }
    }

    // Reasons shared by several exchanges.
    static let servedKinds = """
        the test server serves a subset of the built-in kinds (no nodes, endpoints, replicasets, cronjobs, \
        policy, networking, storage, ...): discovery lists fewer groups and resources than the real server
        """
    static let aggregatedDiscovery = """
        aggregated discovery (Accept application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList) is not \
        served: the legacy APIVersions/APIGroupList comes back as application/json (kubectl falls back to it); \
        serving it would also list only the kinds the test server serves
        """
    static let podAdmission = """
        pods lack what admission adds (serviceAccountName, the kube-api-access projected volume and its \
        volumeMount, the not-ready/unreachable tolerations); owner references are not atomic in managedFields
        """
    static let podStatusHostIPs = """
        a status written with hostIPs gets "." and the IP's key in the writer's managedFields entry (the real \
        status.hostIPs is an atomic list there)
        """
    static let protobufAnswers = """
        kubectl's protobuf bodies are read and the object stored as recorded (ProtobufCreateTests compares it), \
        but the answer is JSON: the test server writes no protobuf (kubectl, which accepts protobuf then JSON, \
        takes it, as it takes a custom resource's JSON in 139)
        """

    static let table: [Int: Entry] = [
        // Discovery and OpenAPI.
        3: Entry(.lead, servedKinds),
        4: Entry(.lead, servedKinds),
        5: Entry(.lead, servedKinds),
        6: Entry(.lead, servedKinds),
        9: Entry(.lead, aggregatedDiscovery),
        10: Entry(.lead, servedKinds + " (the OpenAPI v3 root lists fewer group-versions)"),
        14: Entry(.lead, aggregatedDiscovery),
        16: Entry(.lead, """
            the OpenAPI v3 document of a CRD's group-version is the minimum kubectl needs (a patch and a get \
            operation, a short ObjectMeta): no list/collection/status paths, no List schema, no meta/v1 schemas
            """),
        // Watches.
        61: Entry(.lead, """
            the test server keeps 1,000 events per resource and answers ERROR 410 Expired for an older \
            resourceVersion; the real server replays from etcd until compaction (every 5 minutes), here all 1,509 events
            """),
        // Namespace deletion.
        84: Entry(.lead, """
            the test server removes a deleted namespace at once (its pods need no kubelet to confirm their \
            deletion), so golden is gone (404 NotFound) where the real server still had it Terminating (403)
            """),
        // Built-in kinds: the wire helper's area.
        77: Entry(.wire, podAdmission + """
            ; pod conditions lack lastProbeTime: null (Go writes a zero metav1.Time as null)
            """),
        121: Entry(.wire, podAdmission + "; " + podStatusHostIPs),
        140: Entry(.wire, podAdmission + "; " + podStatusHostIPs),
        142: Entry(.wire, podAdmission),
        143: Entry(.wire, podAdmission + "; " + podStatusHostIPs),
        144: Entry(.wire, podAdmission),
        145: Entry(.wire, podAdmission + "; " + podStatusHostIPs),
        150: Entry(.wire, podAdmission),
        // Protobuf.
        133: Entry(.protobuf, protobufAnswers),
        134: Entry(.protobuf, protobufAnswers),
        135: Entry(.protobuf, protobufAnswers),
        136: Entry(.protobuf, protobufAnswers),
        137: Entry(.protobuf, protobufAnswers),
        // CRD admission: 012, 013, 088, 089, 101, 112, 114-116 match since CRDs get their defaults,
        // their strategy's status and kube-apiserver's managedFields entry for it.
    ]

    /// The lead's summary: how many match, and why the others do not, by area.
    static func summary(of outcomes: [ReplayOutcome]) -> String {
        let matching = outcomes.filter(\.matches)
        var lines = ["Golden replay: \(matching.count) of \(outcomes.count) recorded exchanges match."]
        let unlisted = outcomes.filter { !$0.matches && table[$0.number] == nil }
        if !unlisted.isEmpty {
            lines.append("Not matching and not listed in KnownMismatches (\(unlisted.count)):")
            for outcome in unlisted {
                lines.append("  \(outcome.name): " + outcome.differences.prefix(3).map(\.description).joined(separator: "; ")
                    + (outcome.differences.count > 3 ? " (+\(outcome.differences.count - 3) more)" : ""))
            }
        }
        let nowMatching = outcomes.filter { $0.matches && table[$0.number] != nil }
        if !nowMatching.isEmpty {
            lines.append("Listed in KnownMismatches but matching now: " + nowMatching.map(\.name).joined(separator: ", "))
        }
        for area in Area.allCases {
            let listed = outcomes.filter { table[$0.number]?.area == area && !$0.matches }
            guard !listed.isEmpty else { continue }
            lines.append("\(area.rawValue) (\(listed.count)):")
            for outcome in listed {
                lines.append("  \(outcome.name): \(table[outcome.number]?.reason ?? "")")
                lines.append("      first differences: " + outcome.differences.prefix(2).map(\.description).joined(separator: "; "))
            }
        }
        return lines.joined(separator: "\n")
    }
}
