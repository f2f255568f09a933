import Foundation
import KubeCore
import KubeRuntime
import Logging
import Synchronization
import Testing

@Suite("JSON logs")
struct JSONLogHandlerTests {
    @Test("one JSON object per line with level, message and the controller's metadata keys")
    func lines() throws {
        let lines = Mutex<[String]>([])
        var logger = Logger(label: "modelops.controller") { label in
            JSONLogHandler(label: label, level: .info, write: { line in lines.withLock { $0.append(line) } },
                           now: { Date(timeIntervalSince1970: 1_800_000_000) })
        }
        logger[metadataKey: "controller"] = "modeldeployment"
        logger.debug("hidden")
        logger.error("reconcile failed", metadata: ["namespace": "ml", "name": "fraud", "reconcileID": "abc", "attempt": .stringConvertible(3)])
        let written = lines.withLock { $0 }
        #expect(written.count == 1)
        #expect(written[0].hasSuffix("\n"))
        let json = try JSON.parse(written[0].trimmingCharacters(in: .newlines))
        #expect(json["level"] == "error")
        #expect(json["msg"] == "reconcile failed")
        #expect(json["logger"] == "modelops.controller")
        #expect(json["controller"] == "modeldeployment" && json["namespace"] == "ml" && json["name"] == "fraud")
        #expect(json["reconcileID"] == "abc" && json["attempt"] == "3")
        #expect(json["ts"]?.stringValue?.hasPrefix("2027-01-15T08:00:00.000Z") == true)
    }
}
