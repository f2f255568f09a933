@testable import KubeTestServerCore
import KubeCore
import Testing

/// A Deployment's Table has the real server's columns, the `-o wide` ones (priority 1) included
/// (golden 071).
@Suite struct DeploymentTableTests {
    @Test("071: Name, Ready, Up-to-date, Available, Age, then Containers, Images and Selector at priority 1")
    func columnsAsRecorded() async throws {
        let session = await ReplaySession.after([11, 69])
        defer { session.api.shutdown() }
        let exchange = GoldenExchange.numbered(71)
        let response = await session.api.handle(APIRequest(method: "GET", path: exchange.path, headers: exchange.headers,
                                                           user: ReplaySession.admin))
        let table = try JSON.parse(response.body)
        guard case let .json(recorded) = exchange.answer else { return }
        let columns = { (t: JSON) in (t["columnDefinitions"]?.arrayValue ?? []).map { [$0["name"] ?? .null, $0["priority"] ?? .null, $0["type"] ?? .null] } }
        #expect(columns(table) == columns(recorded))
        let cells = table[path: ["rows"]]?[0]?["cells"]?.arrayValue ?? []
        let recordedCells = recorded[path: ["rows"]]?[0]?["cells"]?.arrayValue ?? []
        #expect(Array(cells.suffix(3)) == Array(recordedCells.suffix(3)), "containers, images, selector")
    }

    @Test("selectors are written as labels.Selector.String(): sorted by key, set operators spelled out")
    func selectorText() {
        #expect(TableBuilder.selectorText(["matchLabels": ["app": "serve"]]) == "app=serve")
        #expect(TableBuilder.selectorText([
            "matchLabels": ["tier": "web"],
            "matchExpressions": [
                ["key": "env", "operator": "In", "values": ["prod", "canary"]],
                ["key": "zone", "operator": "NotIn", "values": ["b"]],
                ["key": "gpu", "operator": "Exists"],
                ["key": "legacy", "operator": "DoesNotExist"],
            ],
        ]) == "env in (canary,prod),gpu,!legacy,tier=web,zone notin (b)")
        #expect(TableBuilder.selectorText([:]) == "")
    }
}
