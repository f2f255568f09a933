import KubeCore
import Testing

@Suite("Condition")
struct ConditionTests {
    let t0 = KubeTime(secondsSinceEpoch: 1000)
    let t1 = KubeTime(secondsSinceEpoch: 2000)

    @Test func wireForm() throws {
        let condition = Condition(type: "Ready", status: .true, observedGeneration: 2, lastTransitionTime: t0, reason: "Healthy")
        #expect(try JSON(encoding: condition) == [
            "type": "Ready", "status": "True", "observedGeneration": 2,
            "lastTransitionTime": "1970-01-01T00:16:40Z", "reason": "Healthy", "message": "",
        ])
        #expect(throws: DecodingError.self) {
            let bad: JSON = [
                "type": "Ready", "status": "Maybe", "lastTransitionTime": "1970-01-01T00:16:40Z", "reason": "R", "message": "",
            ]
            _ = try bad.decode(as: Condition.self)
        }
    }

    /// Re-deriving a condition with the same status keeps its transition time, so a steady
    /// reconcile writes nothing.
    @Test func settingKeepsTransitionTimeWhenStatusIsUnchanged() {
        let old = [Condition(type: "Ready", status: .true, lastTransitionTime: t0, reason: "Healthy")]
        let same = Condition.setting(
            Condition(type: "Ready", status: .true, lastTransitionTime: t1, reason: "Healthy", message: "all good"), in: old)
        #expect(same[type: "Ready"]?.lastTransitionTime == t0)
        #expect(same[type: "Ready"]?.message == "all good")
        let flipped = Condition.setting(Condition(type: "Ready", status: .false, lastTransitionTime: t1, reason: "Down"), in: old)
        #expect(flipped[type: "Ready"]?.lastTransitionTime == t1)
        #expect(!flipped.isTrue("Ready"))
        let added = Condition.setting(Condition(type: "Available", status: .true, lastTransitionTime: t1, reason: "Up"), in: old)
        #expect(added.map(\.type) == ["Ready", "Available"])
        #expect(added.isTrue("Available"))
    }
}
