import KubeCore
import Testing

@Suite("ObjectMeta and OwnerReference")
struct ObjectMetaTests {
    static let stored: JSON = [
        "name": "fraud", "namespace": "ml", "uid": "6f1c", "resourceVersion": "42", "generation": 3,
        "creationTimestamp": "2024-05-01T02:00:00Z", "deletionTimestamp": "2024-05-02T02:00:00Z",
        "deletionGracePeriodSeconds": 0,
        "labels": ["app": "fraud"], "annotations": ["note": "x"], "finalizers": ["modelops.io/cleanup"],
        "ownerReferences": [[
            "apiVersion": "modelops.io/v1alpha1", "kind": "ModelDeployment", "name": "fraud", "uid": "abc",
            "controller": true, "blockOwnerDeletion": true,
        ]],
        "managedFields": [["manager": "kubectl", "operation": "Apply"]],
    ]

    @Test func decodesEverythingButManagedFields() throws {
        let meta = try Self.stored.decode(as: ObjectMeta.self)
        #expect(meta.name == "fraud")
        #expect(meta.generation == 3)
        #expect(meta.creationTimestamp?.rfc3339 == "2024-05-01T02:00:00Z")
        #expect(meta.controllerReference?.kind == "ModelDeployment")
        var expected = Self.stored
        expected["managedFields"] = nil
        #expect(try JSON(encoding: meta) == expected)
    }

    @Test func emptyMetadataEncodesEmpty() throws {
        #expect(try JSON(encoding: ObjectMeta()) == [:])
        #expect(try JSON(encoding: ObjectMeta(generateName: "tj-")) == ["generateName": "tj-"])
    }

    @Test func controllerReferenceIsTheOneMarkedController() {
        let plain = OwnerReference(apiVersion: "v1", kind: "A", name: "a", uid: "1")
        let controller = OwnerReference(apiVersion: "v1", kind: "B", name: "b", uid: "2", controller: true)
        #expect(ObjectMeta(ownerReferences: [plain, controller]).controllerReference == controller)
        #expect(ObjectMeta(ownerReferences: [plain]).controllerReference == nil)
    }
}
