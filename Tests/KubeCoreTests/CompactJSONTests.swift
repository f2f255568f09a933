import Foundation
@testable import KubeCore
import Testing

@Suite("CompactJSON")
struct CompactJSONTests {
    /// What a cache packs must come back exactly: ints stay ints and doubles doubles (an
    /// integer field written back as `3.0` is a change), strings byte for byte.
    @Test func roundTripsEveryKindOfValue() throws {
        let value: JSON = [
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": [
                "name": "fraud-canary", "namespace": "ml", "uid": "6f2b1c3e-1d2a-4c1b-9a8e-3b5f0c7d2e1a",
                "creationTimestamp": "2026-12-06T21:18:37Z", "generation": 4,
                "labels": ["app.kubernetes.io/managed-by": "modelops", "modelops.io/deployment": "fraud"],
                "annotations": [:], "finalizers": [],
            ],
            "spec": ["replicas": 3, "paused": false, "progressDeadlineSeconds": .null],
            "status": [
                "ratio": 0.25, "negative": -9_223_372_036_854_775_808, "big": 9_223_372_036_854_775_807, "minusZero": .double(-0.0),
                "integralDouble": .double(3), "tiny": 5e-324,
                "message": "naïve ✓ \u{0}\n\"quoted\" 😀", "empty": "",
                "conditions": [["type": "Available", "status": "True"], ["type": "Progressing", "status": "False"]],
                "nested": [[[1, 2], []], [[:]]],
            ],
        ]
        let packed = CompactJSON(value)
        let back = packed.json
        #expect(back == value)
        // Equality treats .int(3) and .double(3) alike; the cases themselves must survive too.
        #expect(back[path: ["spec", "replicas"]].map { if case .int = $0 { true } else { false } } == true)
        #expect(back[path: ["status", "integralDouble"]].map { if case .double = $0 { true } else { false } } == true)
        #expect(back[path: ["status", "minusZero"]].map { if case let .double(d) = $0 { d.sign == .minus } else { false } } == true)
        #expect(back.serializedString() == value.serializedString())
        #expect(CompactJSON(bytes: packed.bytes).json == value)
        // Scalars at the top.
        for scalar: JSON in [.null, true, false, 0, -1, .int(1 << 40), 1.5, "x", [], [:]] {
            #expect(CompactJSON(scalar).json == scalar)
        }
    }

    /// The point of packing: a cached object is a fraction of its JSON text, because its keys
    /// are numbers into the shared table.
    @Test func packsSmallerThanJSONText() {
        let pod: JSON = [
            "apiVersion": "v1", "kind": "Pod",
            "metadata": [
                "name": "train-7-abcde", "namespace": "ml", "uid": "6f2b1c3e-1d2a-4c1b-9a8e-3b5f0c7d2e1a",
                "resourceVersion": "123456", "creationTimestamp": "2026-12-06T21:18:37Z",
                "labels": ["modelops.io/training-job": "train-7", "batch.kubernetes.io/job-name": "train-7"],
                "ownerReferences": [["apiVersion": "batch/v1", "kind": "Job", "name": "train-7", "uid": "0c7d2e1a-1d2a-4c1b-9a8e-3b5f6f2b1c3e",
                                     "controller": true, "blockOwnerDeletion": true]],
            ],
            "status": [
                "phase": "Succeeded",
                "conditions": [
                    ["type": "Ready", "status": "False", "lastTransitionTime": "2026-12-06T21:18:40Z", "reason": "PodCompleted"],
                    ["type": "Initialized", "status": "True", "lastTransitionTime": "2026-12-06T21:18:37Z", "reason": "PodCompleted"],
                ],
            ],
        ]
        let text = pod.serialized().count
        let packed = CompactJSON(pod).byteCount
        #expect(packed * 10 < text * 7, "packed \(packed) bytes, JSON text \(text)")
    }

    /// A packed value stays as long as the cache holding it, so its allocation is its size: a
    /// buffer grown by appending would keep up to half of it unused, for every cached object.
    @Test func packedBytesHoldNoSpareCapacity() {
        for size in [10, 300, 700, 3_000, 40_000, 200_000] {
            let value: JSON = ["metadata": ["name": "m"], "data": ["blob": .string(String(repeating: "x", count: size))]]
            let packed = CompactJSON(value)
            // The allocator may round an allocation up to its own granule, never more.
            #expect(packed.bytes.capacity - packed.bytes.count < 32, "\(packed.bytes.count) bytes in \(packed.bytes.capacity)")
            #expect(packed.json == value)
        }
    }

    /// Keys are data in some places (labels, ConfigMap keys), so the table is bounded; keys past
    /// its end, and very long ones, are written out in full and still come back.
    @Test func valuesPackedSideBySideWithNewKeysComeBack() async {
        // Packers do not hold the key or value tables while they write: keys and shared values
        // one of them adds while another writes must still come back as they went in, in both.
        func value(_ task: Int, _ i: Int) -> JSON {
            ["shared": .int(Int64(i)), "metadata": ["name": .string("v-\(task)-\(i)")],
             "side-by-side-\(task)-\(i % 40)": ["side-by-side-common-\(i % 7)": .bool(i.isMultiple(of: 2))],
             "kind": .string("SideBySideKind\(task)x\(i % 50)"), "status": ["phase": .string("Phase\(i % 13)"), "reason": .string("R\(task)\(i)")]]
        }
        let packed = await withTaskGroup(of: (Int, [CompactJSON]).self) { group in
            for task in 0..<8 {
                group.addTask { (task, (0..<300).map { CompactJSON(value(task, $0)) }) }
            }
            var all: [Int: [CompactJSON]] = [:]
            for await (task, values) in group { all[task] = values }
            return all
        }
        for task in 0..<8 {
            for (i, packedValue) in (packed[task] ?? []).enumerated() {
                #expect(packedValue.json == value(task, i), "task \(task) value \(i)")
            }
        }
    }

    @Test func longAndManyKeysComeBack() {
        let long = String(repeating: "k", count: 300)
        var members: [String: JSON] = [long: "long"]
        for i in 0..<2_000 { members["data-key-\(i)-\(Int.random(in: 0..<1_000_000))"] = .int(Int64(i)) }
        let value = JSON.object(members)
        #expect(CompactJSON(value).json == value)
        #expect(CompactJSON.internedKeyCount <= 16_384)
    }

    /// uids and API times are packed in binary only when their text comes back byte for byte:
    /// everything else with their lengths stays a string.
    @Test func uidsAndTimesPackSmallerAndComeBackExactly() {
        let uid = "6f2b1c3e-1d2a-4c1b-9a8e-3b5f0c7d2e1a"
        let times = ["2026-12-07T10:00:00Z", "1970-01-01T00:00:00Z", "1969-12-31T23:59:59Z", "0000-01-01T00:00:00Z",
                     "9999-12-31T23:59:59Z", "2024-02-29T12:30:45Z", "2000-02-29T00:00:00Z", "1900-03-01T01:02:03Z"]
        func size(_ text: String) -> Int { CompactJSON(["v": .string(text)]).byteCount }
        #expect(size(uid) + 19 <= size(uid.uppercased()), "\(size(uid)) against \(size(uid.uppercased()))")
        for time in times {
            #expect(CompactJSON(["v": .string(time)]).json == ["v": .string(time)], "\(time)")
            #expect(size(time) + 12 <= size("x" + time.dropFirst()), "\(time)")
        }
        // Same lengths, not the canonical form: strings, unchanged.
        let strings = [uid.uppercased(), "6f2b1c3e-1d2a-4c1b-9a8e-3b5f0c7d2e1g", "6f2b1c3e11d2a-4c1b-9a8e-3b5f0c7d2e1a",
                       "2026-02-30T00:00:00Z", "2023-02-29T00:00:00Z", "2026-13-01T00:00:00Z", "2026-12-07T24:00:00Z",
                       "2026-12-07T10:60:00Z", "2026-12-07T10:00:60Z", "2026-12-07 10:00:00Z", "2026-12-07T10:00:00z",
                       "2026-12-07T10:00:0.Z", "-026-12-07T10:00:00Z", "2026-00-07T10:00:00Z", "2026-12-00T10:00:00Z",
                       "2026-12-07T10:00:00.123456Z", "2026-12-07T10:00:00+01:00", String(repeating: "9", count: 20)]
        for text in strings {
            #expect(CompactJSON(["v": .string(text)]).json == ["v": .string(text)], "\(text)")
            #expect(size(text) == size(String(repeating: "x", count: text.utf8.count)), "\(text)")
        }
        // 2,000 random times from year 0000 to 9999 and random uids: packed in binary (a tag and
        // at most 7 bytes; a tag and 16), and back exactly.
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            let days = Int.random(in: -719_528...2_932_896, using: &generator)
            let (year, month, day) = CivilDate.date(days: days)
            let second = Int.random(in: 0..<86_400, using: &generator)
            let text = String(format: "%04d-%02d-%02dT%02d:%02d:%02dZ", year, month, day, second / 3600, second / 60 % 60, second % 60)
            #expect(CompactJSON(.string(text)).json == .string(text), "\(text)")
            #expect(CompactJSON(.string(text)).byteCount <= 8, "\(text)")
            let random = UUID().uuidString.lowercased()
            #expect(CompactJSON(.string(random)).json == .string(random))
            #expect(CompactJSON(.string(random)).byteCount == 17)
        }
    }

    /// The values of a few keys (a namespace, an owner's kind, a condition's type) are written
    /// once in a shared table; long ones, and the same strings under other keys, are written in full.
    @Test func repeatedValuesAreSharedAndComeBack() {
        let object: JSON = ["metadata": ["namespace": "team-fraud-detection", "name": "team-fraud-detection",
                                         "ownerReferences": [["apiVersion": "modelops.io/v1alpha1", "kind": "ModelDeployment"]]],
                            "status": ["conditions": [["type": "Available", "status": "True", "reason": "MinimumReplicasAvailable"]]],
                            "kind": .string(String(repeating: "K", count: 100)), "type": 7, "reason": ["nested": "object"]]
        let packed = CompactJSON(object)
        #expect(packed.json == object)
        // The namespace is shared, the same text as a name is not.
        let asNamespace = CompactJSON(["namespace": "team-fraud-detection"]).byteCount
        let asName = CompactJSON(["name": "team-fraud-detection"]).byteCount
        #expect(asNamespace + 15 <= asName, "\(asNamespace) against \(asName)")
        #expect(CompactJSON(["namespace": "team-fraud-detection"]) == CompactJSON(["namespace": "team-fraud-detection"]))
        // Up to 64 bytes; ASCII only.
        let short = String(repeating: "k", count: 64), long = String(repeating: "k", count: 65)
        #expect(CompactJSON(["kind": .string(short)]).byteCount + 60 < CompactJSON(["name": .string(short)]).byteCount)
        #expect(CompactJSON(["kind": .string(long)]).byteCount == CompactJSON(["name": .string(long)]).byteCount)
        #expect(CompactJSON(["reason": "naïve"]).byteCount == CompactJSON(["name": "naïve"]).byteCount)
    }

    /// Swift's `String ==` is canonical equivalence: "K" equals a Kelvin sign (U+212A), "é"
    /// equals "e" and a combining accent. A table lookup by such a string must not give back
    /// another's bytes, for a shared value or for a key.
    @Test func equivalentTextComesBackWithItsOwnBytes() {
        let pairs = [("K", "\u{212A}"), ("\u{E9}", "e\u{301}"), ("Available", "Av\u{61}ilable")]
        for (first, second) in pairs {
            for text in [first, second, first] {
                for key in ["reason", "status", "name"] {
                    let back = CompactJSON(.object([key: .string(text)])).json
                    #expect(back.objectValue?[key]?.stringValue.map { Array($0.utf8) } == Array(text.utf8), "\(key): \(Array(text.unicodeScalars))")
                }
                let asKey = CompactJSON(.object([text: 1])).json
                #expect(asKey.objectValue?.keys.map { Array($0.utf8) } == [Array(text.utf8)], "key \(Array(text.unicodeScalars))")
            }
        }
    }
}
