import KubeClient
import KubeCore
import KubeRuntime
import Logging
import TestSupport
import Testing
@testable import modelops

/// What `modelops run` logs when an informer's list or watch is refused: the server's 403 message
/// once (it names verb, resource and user), not once per retry.
@Suite("informer failure log")
struct InformerFailureLogTests {
    @Test("a 403 is logged once at error with the server's message; other failures at warning; 410s not at all")
    func forbiddenOnce() {
        let lines = LogCapture()
        let log = InformerFailureLog(logger: lines.logger())
        let forbidden = Status(status: "Failure",
                               message: "trainingjobs.modelops.io is forbidden: User \"system:serviceaccount:modelops-system:modelops\" cannot list resource \"trainingjobs\" in API group \"modelops.io\" at the cluster scope",
                               reason: "Forbidden", code: 403)
        for _ in 0..<3 {
            log.report(InformerFailure(phase: .list, error: .api(forbidden), recovery: .relistAfter(.seconds(1))))
        }
        log.report(InformerFailure(phase: .watch, error: .api(Status(status: "Failure", message: "too old", reason: "Expired", code: 410)),
                                   recovery: .relist))
        log.report(InformerFailure(phase: .watch, error: .transport(.idleTimeout), recovery: .rewatch(after: .seconds(1))))
        let logged = lines.all.map { ($0.level, $0.message) }
        #expect(logged.count == 2, "\(logged)")
        #expect(logged.first?.0 == .error)
        #expect(logged.first?.1.hasPrefix("403 Forbidden: trainingjobs.modelops.io is forbidden: User") == true)
        #expect(logged.first?.1.contains("cannot list resource \"trainingjobs\"") == true)
        #expect(logged.last?.0 == .warning)
    }

    @Test("an object the informer skipped is logged at warning with its key and why, not as a failure")
    func skippedObject() {
        let lines = LogCapture()
        let log = InformerFailureLog(logger: lines.logger())
        let odd = UndecodableObject(kind: "ConfigMap", namespace: "ml", name: "odd", resourceVersion: "7",
                                    reason: "data.key: expected String")
        log.report(InformerFailure(phase: .list, error: .decoding(odd.description), recovery: .skipObject(odd)))
        let logged = lines.all.map { ($0.level, $0.message) }
        #expect(logged.count == 1)
        #expect(logged.first?.0 == .warning)
        #expect(logged.first?.1 == "list: skipped ConfigMap ml/odd: cannot decode it: data.key: expected String")
    }
}
