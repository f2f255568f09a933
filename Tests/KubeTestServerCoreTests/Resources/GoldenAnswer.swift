import Foundation
import KubeCore
import KubeTestServerCore
import Testing

/// What the test server answered.
struct GoldenAnswer {
    static let admin = UserInfo(name: "kubernetes-admin", groups: ["system:masters", "system:authenticated"])

    let status: Int
    let body: JSON

    /// The body shortened for failure messages (a CRD runs to tens of kilobytes).
    var brief: String { String(body.serializedString().prefix(600)) }

    /// One `details.causes` entry as `reason|field|message`, for comparing lists and sets.
    static func causes(_ status: JSON) -> [String] {
        (status[path: ["details", "causes"]]?.arrayValue ?? []).map { cause in
            [cause["reason"], cause["field"], cause["message"]].map { $0?.stringValue ?? "" }.joined(separator: "|")
        }
    }

    /// Expects the same refusal as `golden` recorded: status code, reason, message and causes.
    /// `unorderedCauses` is for responses whose cause order the real server draws from Go map
    /// iteration: then the causes are compared as a set, and the message as the same summaries
    /// joined in the order of our causes.
    func expectSameStatus(as golden: GoldenExchange, unorderedCauses: Bool = false,
                          sourceLocation: SourceLocation = #_sourceLocation) {
        let want = golden.responseBody
        guard status == golden.responseStatus else {
            Issue.record("\(golden.file): status \(status), expected \(golden.responseStatus); body \(brief)", sourceLocation: sourceLocation)
            return
        }
        #expect(body["kind"] == "Status", "\(golden.file): \(body)", sourceLocation: sourceLocation)
        #expect(body["code"] == want["code"], sourceLocation: sourceLocation)
        #expect(body["reason"] == want["reason"], sourceLocation: sourceLocation)
        #expect(body[path: ["details", "name"]] == want[path: ["details", "name"]], sourceLocation: sourceLocation)
        #expect(body[path: ["details", "kind"]] == want[path: ["details", "kind"]], sourceLocation: sourceLocation)
        let got = Self.causes(body), expected = Self.causes(want)
        if unorderedCauses {
            #expect(got.sorted() == expected.sorted(), sourceLocation: sourceLocation)
            let message = body["message"]?.stringValue ?? ""
            let summaries = (body[path: ["details", "causes"]]?.arrayValue ?? []).map {
                "\($0["field"]?.stringValue ?? ""): \($0["message"]?.stringValue ?? "")"
            }
            let prefix = String((want["message"]?.stringValue ?? "").prefix { $0 != "[" })
            let joined: String = prefix + "[" + summaries.joined(separator: ", ") + "]"
            #expect(message == joined, sourceLocation: sourceLocation)
        } else {
            #expect(got == expected, sourceLocation: sourceLocation)
            #expect(body["message"] == want["message"], sourceLocation: sourceLocation)
        }
    }

    /// Expects the recorded success status and, for a created object, the same name and kind.
    func expectCreated(as golden: GoldenExchange, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(status == golden.responseStatus, "\(golden.file): status \(status), body \(brief)", sourceLocation: sourceLocation)
        #expect(body["kind"] == golden.responseBody["kind"], sourceLocation: sourceLocation)
        #expect(body[path: ["metadata", "name"]] == golden.responseBody[path: ["metadata", "name"]], sourceLocation: sourceLocation)
    }
}
