import KubeCore
import Testing
@testable import KubeTestServerCore

/// Field ownership, checked against what a real v1.36 API server recorded.
struct FieldManagerTests {
    static let t0 = "2026-11-23T03:51:49Z"
    static let t1 = "2026-11-23T03:51:50Z"
    static let t2 = "2026-11-23T03:51:55Z"
    static let gizmoVersion = "golden.example.com/v1"

    /// The golden Gizmo CRD's structural schema, reduced to what merging needs.
    static let gizmoSchema: MergeSchema = {
        let schema = try? JSON.parse(#"""
        {"type":"object","properties":{
          "spec":{"type":"object","properties":{
            "replicas":{"type":"integer"},"mode":{"type":"string","default":"Slow"},"owner":{"type":"string"},
            "steps":{"type":"array","items":{"type":"object","properties":{"weight":{"type":"integer"}}}},
            "labels":{"type":"object","additionalProperties":{"type":"string"}},
            "template":{"type":"object","x-kubernetes-preserve-unknown-fields":true},
            "tags":{"type":"array","x-kubernetes-list-type":"set","items":{"type":"string"}},
            "immutable":{"type":"string"}}},
          "status":{"type":"object","properties":{
            "phase":{"type":"string"},"message":{"type":"string"},"observedGeneration":{"type":"integer"},
            "conditions":{"type":"array","x-kubernetes-list-type":"map","x-kubernetes-list-map-keys":["type"],
              "items":{"type":"object","properties":{"type":{"type":"string"},"status":{"type":"string"},
                "reason":{"type":"string"},"message":{"type":"string"},"lastTransitionTime":{"type":"string"},
                "observedGeneration":{"type":"integer"}}}}}}}}
        """#)
        return MergeSchema(openAPIV3Schema: schema ?? [:])
    }()

    static func gizmo(_ spec: JSON, status: JSON? = nil, name: String = "alpha") -> JSON {
        var o: JSON = ["apiVersion": .string(gizmoVersion), "kind": "Gizmo",
                       "metadata": ["name": .string(name), "namespace": "golden"], "spec": spec]
        if let status { o["status"] = status }
        return o
    }

    func update(_ old: JSON?, _ new: JSON, _ entries: [ManagedFieldsEntry], manager: String = "python-requests",
                subresource: String? = nil, time: String = t1) -> [ManagedFieldsEntry] {
        FieldManager.update(old: old, new: new, managedFields: entries, manager: manager, apiVersion: Self.gizmoVersion,
                            subresource: subresource, time: time, schema: Self.gizmoSchema, statusIsSubresource: true)
    }

    func apply(_ live: JSON?, _ config: JSON, _ entries: [ManagedFieldsEntry], manager: String, force: Bool = false,
               subresource: String? = nil, time: String = t1) throws(ApplyConflict) -> (object: JSON, managedFields: [ManagedFieldsEntry]) {
        try FieldManager.apply(live: live, config: config, managedFields: entries, manager: manager,
                               apiVersion: Self.gizmoVersion, force: force, subresource: subresource, time: time,
                               schema: Self.gizmoSchema, statusIsSubresource: true)
    }

    func fields(_ s: String) throws -> JSON { try JSON.parse(s) }

    // MARK: - Update

    @Test func createRecordsEverythingTheCreatorSet() throws {
        // Golden 017: defaults count as the creator's; nested preserved-unknown maps get ".".
        let created = Self.gizmo(["labels": ["team": "ml"], "mode": "Slow", "replicas": 3,
                                  "template": ["anything": ["goes": [1, 2]]]])
        let entries = update(nil, created, [], time: Self.t0)
        #expect(entries == [ManagedFieldsEntry(
            manager: "python-requests", operation: "Update", apiVersion: Self.gizmoVersion, time: Self.t0,
            fieldsV1: try fields(#"""
            {"f:spec":{".":{},"f:labels":{".":{},"f:team":{}},"f:mode":{},"f:replicas":{},
             "f:template":{".":{},"f:anything":{".":{},"f:goes":{}}}}}
            """#))])
        #expect(entries.first?.json["subresource"] == nil)
    }

    @Test func changeBumpsTimeAndNoChangeKeepsEverything() throws {
        // Golden 032 / 035: a real change moves the timestamp, a no-op patch changes nothing.
        let v1 = Self.gizmo(["mode": "Slow", "replicas": 3])
        let created = update(nil, v1, [], time: Self.t0)
        let v2 = Self.gizmo(["mode": "Slow", "replicas": 4])
        let changed = update(v1, v2, created, time: Self.t1)
        #expect(changed.map(\.time) == [Self.t1])
        #expect(changed.map(\.fieldsV1) == created.map(\.fieldsV1))
        #expect(update(v2, v2, changed, time: Self.t2) == changed)
    }

    @Test func statusWriteGetsItsOwnEntry() throws {
        // Golden 036: /status writes are recorded with subresource "status", list-map items by key.
        let v = Self.gizmo(["mode": "Slow", "replicas": 4])
        let main = update(nil, v, [], time: Self.t1)
        let status: JSON = ["phase": "Running", "observedGeneration": 2, "message": "all good", "conditions": [[
            "type": "Ready", "status": "True", "reason": "AllReplicasReady", "message": "4/4",
            "lastTransitionTime": "2026-01-01T00:00:00Z", "observedGeneration": 2,
        ]]]
        let entries = update(v, Self.gizmo(v["spec"] ?? [:], status: status), main, subresource: "status")
        #expect(entries.count == 2)
        #expect(entries[0] == main[0])
        #expect(entries[1] == ManagedFieldsEntry(
            manager: "python-requests", operation: "Update", apiVersion: Self.gizmoVersion, time: Self.t1,
            fieldsV1: try fields(#"""
            {"f:status":{".":{},"f:conditions":{".":{},"k:{\"type\":\"Ready\"}":{".":{},"f:lastTransitionTime":{},
             "f:message":{},"f:observedGeneration":{},"f:reason":{},"f:status":{},"f:type":{}}},
             "f:message":{},"f:observedGeneration":{},"f:phase":{}}}
            """#), subresource: "status"))
        // A main-resource write never records status when status is a subresource (golden 037).
        let ignored = update(v, Self.gizmo(v["spec"] ?? [:], status: ["phase": "Hacked"]), main, time: Self.t2)
        #expect(ignored == main)
    }

    @Test func updateTakesChangedFieldsFromOthersAndRemovedFieldsDisappear() throws {
        let v1 = Self.gizmo(["mode": "Slow", "replicas": 3, "owner": "ann"])
        let created = update(nil, v1, [], manager: "creator", time: Self.t0)
        let v2 = Self.gizmo(["mode": "Fast", "replicas": 3])
        let entries = update(v1, v2, created, manager: "kubectl-edit", time: Self.t1)
        #expect(entries.map(\.manager) == ["creator", "kubectl-edit"])
        #expect(entries[0].fieldsV1 == (try fields(#"{"f:spec":{".":{},"f:replicas":{}}}"#)))
        #expect(entries[1].fieldsV1 == (try fields(#"{"f:spec":{"f:mode":{}}}"#)))
        // Another change by kubectl-edit merges into its existing entry.
        let v3 = Self.gizmo(["mode": "Fast", "replicas": 5])
        let again = update(v2, v3, entries, manager: "kubectl-edit", time: Self.t2)
        #expect(again.map(\.manager) == ["creator", "kubectl-edit"])
        #expect(again[1].fieldsV1 == (try fields(#"{"f:spec":{"f:mode":{},"f:replicas":{}}}"#)))
        #expect(again[1].time == Self.t2)
        // The creator still owns the spec node it added, written as a bare member.
        #expect(again[0].fieldsV1 == (try fields(#"{"f:spec":{}}"#)))
    }

    @Test func metadataCountsButIdentityFieldsNever() throws {
        var v1 = Self.gizmo(["replicas": 1])
        v1[path: ["metadata", "uid"]] = "u-1"
        v1[path: ["metadata", "resourceVersion"]] = "5"
        var v2 = v1
        v2[path: ["metadata", "resourceVersion"]] = "6"
        v2[path: ["metadata", "generation"]] = 2
        v2[path: ["metadata", "labels"]] = ["app": "x"]
        v2[path: ["metadata", "finalizers"]] = ["example.com/cleanup"]
        v2[path: ["metadata", "ownerReferences"]] = [["apiVersion": "v1", "kind": "ConfigMap", "name": "o", "uid": "abc"]]
        let entries = update(v1, v2, [])
        #expect(entries.first?.fieldsV1 == (try fields(#"""
        {"f:metadata":{"f:finalizers":{".":{},"v:\"example.com/cleanup\"":{}},"f:labels":{".":{},"f:app":{}},
         "f:ownerReferences":{".":{},"k:{\"uid\":\"abc\"}":{".":{},"f:apiVersion":{},"f:kind":{},"f:name":{},"f:uid":{}}}}}
        """#)))
    }

    // MARK: - Apply

    static let teamA = Self.gizmo(["replicas": 2, "mode": "Slow"], name: "gamma")

    func appliedByTeamA() throws -> (object: JSON, managedFields: [ManagedFieldsEntry]) {
        try apply(nil, Self.teamA, [], manager: "team-a")
    }

    @Test func applyCreates() throws {
        // Golden 043: an applier owns exactly the leaves it applied, no "." for structs.
        let (object, entries) = try appliedByTeamA()
        #expect(entries == [ManagedFieldsEntry(manager: "team-a", operation: "Apply", apiVersion: Self.gizmoVersion,
                                                time: Self.t1, fieldsV1: try fields(#"{"f:spec":{"f:mode":{},"f:replicas":{}}}"#))])
        #expect(object["spec"] == ["replicas": 2, "mode": "Slow"])
        #expect(object[path: ["metadata", "managedFields"]] == .array(entries.map(\.json)))
    }

    @Test func applyConflictsWithAnotherApplier() throws {
        // Golden 044.
        let (live, entries) = try appliedByTeamA()
        let config = Self.gizmo(["replicas": 3], name: "gamma")
        #expect(throws: ApplyConflict(conflicts: [.init(manager: #""team-a""#, field: ".spec.replicas")])) {
            try apply(live, config, entries, manager: "team-b")
        }
        do {
            _ = try apply(live, config, entries, manager: "team-b")
        } catch {
            #expect(error.message == #"Apply failed with 1 conflict: conflict with "team-a": .spec.replicas"#)
            #expect(error.conflicts.first?.causeMessage == #"conflict with "team-a""#)
        }
    }

    @Test func forceMovesOwnership() throws {
        // Golden 045, then golden 047: a controller applies status through the subresource.
        let (live, entries) = try appliedByTeamA()
        let (forced, forcedEntries) = try apply(live, Self.gizmo(["replicas": 3], name: "gamma"), entries,
                                                manager: "team-b", force: true)
        #expect(forced["spec"] == ["replicas": 3, "mode": "Slow"])
        #expect(forcedEntries.map(\.manager) == ["team-a", "team-b"])
        #expect(forcedEntries.map(\.fieldsV1) == [try fields(#"{"f:spec":{"f:mode":{}}}"#),
                                                  try fields(#"{"f:spec":{"f:replicas":{}}}"#)])

        let statusConfig = Self.gizmo([:], status: ["phase": "Pending", "observedGeneration": 1], name: "gamma")
        var statusOnly = statusConfig
        statusOnly["spec"] = nil
        let (withStatus, statusEntries) = try apply(forced, statusOnly, forcedEntries, manager: "gizmo-controller",
                                                    force: true, subresource: "status")
        #expect(withStatus["status"] == ["phase": "Pending", "observedGeneration": 1])
        #expect(withStatus["spec"] == ["replicas": 3, "mode": "Slow"])
        #expect(statusEntries.map(\.manager) == ["gizmo-controller", "team-a", "team-b"])
        #expect(statusEntries[0] == ManagedFieldsEntry(
            manager: "gizmo-controller", operation: "Apply", apiVersion: Self.gizmoVersion, time: Self.t1,
            fieldsV1: try fields(#"{"f:status":{"f:observedGeneration":{},"f:phase":{}}}"#), subresource: "status"))
    }

    @Test func sameValueIsSharedOwnershipNotAConflict() throws {
        let (live, entries) = try appliedByTeamA()
        let (object, shared) = try apply(live, Self.gizmo(["replicas": 2], name: "gamma"), entries, manager: "team-b",
                                         time: Self.t2)
        #expect(object["spec"] == live["spec"])
        // Nothing changed, so team-b's new entry has no time and sorts first (golden 152).
        #expect(shared.map(\.manager) == ["team-b", "team-a"])
        #expect(shared[0].fieldsV1 == (try fields(#"{"f:spec":{"f:replicas":{}}}"#)))
        #expect(shared[0].time == nil)
        // Now team-a dropping replicas leaves it in place: team-b still claims it.
        let (after, afterEntries) = try apply(object, Self.gizmo(["mode": "Slow"], name: "gamma"), shared, manager: "team-a")
        #expect(after["spec"] == ["replicas": 2, "mode": "Slow"])
        #expect(afterEntries.first { $0.manager == "team-a" }?.fieldsV1 == (try fields(#"{"f:spec":{"f:mode":{}}}"#)))
    }

    @Test func fieldsDroppedFromTheConfigAreRemoved() throws {
        let (live, entries) = try appliedByTeamA()
        let (object, after) = try apply(live, Self.gizmo(["replicas": 2], name: "gamma"), entries, manager: "team-a", time: Self.t2)
        #expect(object["spec"] == ["replicas": 2])
        #expect(after.map(\.fieldsV1) == [try fields(#"{"f:spec":{"f:replicas":{}}}"#)])
        #expect(after.first?.time == Self.t2)
    }

    @Test func fieldsSetByAnUpdaterSurviveAnApplierDroppingThem() throws {
        let (live, entries) = try appliedByTeamA()
        var edited = live
        edited[path: ["spec", "owner"]] = "bob"
        let updated = FieldManager.update(old: live, new: edited, managedFields: entries, manager: "kubectl-edit",
                                          apiVersion: Self.gizmoVersion, subresource: nil, time: Self.t2,
                                          schema: Self.gizmoSchema, statusIsSubresource: true)
        let (object, _) = try apply(edited, Self.gizmo(["replicas": 2], name: "gamma"), updated, manager: "team-a")
        #expect(object["spec"] == ["replicas": 2, "owner": "bob"])
    }

    @Test func updaterTakesOverAndTheApplierThenConflictsWithIt() throws {
        let (live, entries) = try appliedByTeamA()
        var scaled = live
        scaled[path: ["spec", "replicas"]] = 7
        let updated = FieldManager.update(old: live, new: scaled, managedFields: entries, manager: "kubectl",
                                          apiVersion: Self.gizmoVersion, subresource: nil, time: Self.t2,
                                          schema: Self.gizmoSchema, statusIsSubresource: true)
        #expect(updated.map(\.manager) == ["team-a", "kubectl"])
        #expect(updated[0].fieldsV1 == (try fields(#"{"f:spec":{"f:mode":{}}}"#)))
        #expect(throws: ApplyConflict(conflicts: [.init(manager: #""kubectl" using golden.example.com/v1"#, field: ".spec.replicas")])) {
            try apply(scaled, Self.teamA, updated, manager: "team-a")
        }
    }

    @Test func identicalApplyChangesNothing() throws {
        let (live, entries) = try appliedByTeamA()
        let (object, again) = try apply(live, Self.teamA, entries, manager: "team-a", time: Self.t2)
        #expect(again == entries)
        #expect(object == live)
    }

    @Test func severalConflictsAreGroupedByManager() throws {
        let (live, entries) = try apply(nil, Self.gizmo(["replicas": 2, "mode": "Slow", "owner": "ann"], name: "gamma"), [],
                                        manager: "team-a")
        let (live2, entries2) = try apply(live, Self.gizmo(["labels": ["x": "1"]], name: "gamma"), entries, manager: "team-c")
        let config = Self.gizmo(["replicas": 3, "owner": "bob", "labels": ["x": "2"]], name: "gamma")
        do {
            _ = try apply(live2, config, entries2, manager: "team-b")
            Issue.record("expected a conflict")
        } catch {
            #expect(error.message == """
            Apply failed with 3 conflicts: conflicts with "team-a":
            - .spec.owner
            - .spec.replicas
            conflicts with "team-c":
            - .spec.labels.x
            """)
        }
    }

    @Test func setsAndListMapsMergeItemByItem() throws {
        let (live, entries) = try apply(nil, Self.gizmo(["tags": ["a", "b"]], status: nil, name: "gamma"), [], manager: "team-a")
        let (merged, mergedEntries) = try apply(live, Self.gizmo(["tags": ["c"]], name: "gamma"), entries, manager: "team-b")
        #expect(merged[path: ["spec", "tags"]] == ["a", "b", "c"])
        #expect(mergedEntries[1].fieldsV1 == (try fields(#"{"f:spec":{"f:tags":{"v:\"c\"":{}}}}"#)))
        // team-a dropping "a" removes only its own item.
        let (pruned, _) = try apply(merged, Self.gizmo(["tags": ["b"]], name: "gamma"), mergedEntries, manager: "team-a")
        #expect(pruned[path: ["spec", "tags"]] == ["b", "c"])

        // Atomic lists are replaced whole and owned whole.
        let (steps, stepEntries) = try apply(nil, Self.gizmo(["steps": [["weight": 1], ["weight": 2]]], name: "s"), [], manager: "a")
        #expect(stepEntries[0].fieldsV1 == (try fields(#"{"f:spec":{"f:steps":{}}}"#)))
        #expect(throws: ApplyConflict.self) {
            try apply(steps, Self.gizmo(["steps": [["weight": 3]]], name: "s"), stepEntries, manager: "b")
        }
    }

    @Test func statusListMapConditionsAreOwnedPerType() throws {
        let base = Self.gizmo(["replicas": 1], name: "gamma")
        let ready = Self.gizmo([:], status: ["conditions": [["type": "Ready", "status": "True"]]], name: "gamma")
        let (one, e1) = try apply(base, ready, [], manager: "ctl-a", subresource: "status")
        let synced = Self.gizmo([:], status: ["conditions": [["type": "Synced", "status": "False"]]], name: "gamma")
        let (two, e2) = try apply(one, synced, e1, manager: "ctl-b", subresource: "status")
        #expect(two[path: ["status", "conditions"]] == [["type": "Ready", "status": "True"], ["type": "Synced", "status": "False"]])
        #expect(e2.map(\.fieldsV1) == [
            try fields(#"{"f:status":{"f:conditions":{"k:{\"type\":\"Ready\"}":{".":{},"f:status":{},"f:type":{}}}}}"#),
            try fields(#"{"f:status":{"f:conditions":{"k:{\"type\":\"Synced\"}":{".":{},"f:status":{},"f:type":{}}}}}"#),
        ])
        // The main resource's spec is untouched by status applies, and spec in a status config is ignored.
        #expect(two["spec"] == ["replicas": 1])
    }
}
