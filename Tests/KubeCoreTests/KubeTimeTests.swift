import Foundation
import KubeCore
import Testing

@Suite("KubeTime")
struct KubeTimeTests {
    @Test(arguments: [
        ("1970-01-01T00:00:00Z", Int64(0)),
        ("2024-05-01T02:00:00Z", Int64(1_714_528_800)),
        ("2024-02-29T23:59:59Z", Int64(1_709_251_199)),
        ("1969-12-31T23:59:59Z", Int64(-1)),
        ("2000-03-01T00:00:00Z", Int64(951_868_800)),
        ("2100-12-31T12:30:45Z", Int64(4_133_939_445)),
    ])
    func formatsAndParses(_ text: String, _ seconds: Int64) throws {
        #expect(KubeTime(secondsSinceEpoch: seconds).rfc3339 == text)
        #expect(KubeTime(rfc3339: text)?.secondsSinceEpoch == seconds)
    }

    /// Other writers send fractions and offsets; the API keeps whole seconds in UTC.
    @Test(arguments: [
        ("2024-05-01T02:00:00.999999Z", "2024-05-01T02:00:00Z"),
        ("2024-05-01T04:00:00+02:00", "2024-05-01T02:00:00Z"),
        ("2024-04-30T21:30:00.5-04:30", "2024-05-01T02:00:00Z"),
        ("2024-05-01t02:00:00z", "2024-05-01T02:00:00Z"),
    ])
    func normalises(_ text: String, _ expected: String) {
        #expect(KubeTime(rfc3339: text)?.rfc3339 == expected)
    }

    @Test(arguments: [
        "", "2024-05-01", "2024-05-01T02:00:00", "2024-13-01T00:00:00Z", "2023-02-29T00:00:00Z",
        "2024-05-01T24:00:00Z", "2024-05-01T02:00:00.Z", "2024-05-01T02:00:00+2:00", "2024-05-01T02:00:00Zjunk",
        "yesterday", "２０２４-05-01T02:00:00Z",
    ])
    func rejects(_ text: String) {
        #expect(KubeTime(rfc3339: text) == nil)
    }

    @Test func codableAsAString() throws {
        let time = KubeTime(secondsSinceEpoch: 1_714_528_800)
        #expect(try JSON(encoding: time) == "2024-05-01T02:00:00Z")
        #expect(try JSON.string("2024-05-01T02:00:00Z").decode(as: KubeTime.self) == time)
        #expect(throws: DecodingError.self) { try JSON.string("not a time").decode(as: KubeTime.self) }
        #expect(throws: DecodingError.self) { try JSON.int(5).decode(as: KubeTime.self) }
    }

    @Test func arithmeticAndDates() {
        let time = KubeTime(secondsSinceEpoch: 100)
        #expect(time.adding(seconds: 50).secondsSinceEpoch == 150)
        #expect(time.adding(seconds: 50).seconds(since: time) == 50)
        #expect(time < time.adding(seconds: 1))
        #expect(KubeTime(Date(timeIntervalSince1970: 100.9)) == time)
        #expect(KubeTime(Date(timeIntervalSince1970: -0.5)).secondsSinceEpoch == -1)
        #expect(time.date == Date(timeIntervalSince1970: 100))
    }
}
