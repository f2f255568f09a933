import Foundation
import Testing
@testable import ModelOpsControllers

@Suite("Prometheus answers and query URLs")
struct PrometheusResponseTests {
    static func decode(_ body: String, status: Int = 200) -> PrometheusResponse {
        PrometheusResponse.decode(status: status, body: Array(body.utf8))
    }

    @Test("one sample or a scalar is a value; an empty vector is no data")
    func values() {
        #expect(Self.decode(#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{"version":"v2"},"value":[1795000000.5,"0.01"]}]}}"#) == .value(0.01))
        #expect(Self.decode(#"{"status":"success","data":{"resultType":"scalar","result":[1795000000,"42"]}}"#) == .value(42))
        #expect(Self.decode(#"{"status":"success","data":{"resultType":"vector","result":[]}}"#) == .noData)
    }

    @Test("errors carry Prometheus's words; NaN, Inf, several series and matrices are errors")
    func errors() {
        #expect(Self.decode(#"{"status":"error","errorType":"bad_data","error":"1:5: parse error: unclosed left parenthesis"}"#, status: 400)
            == .error("Prometheus bad_data (HTTP 400): 1:5: parse error: unclosed left parenthesis"))
        #expect(Self.decode(#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,"NaN"]}]}}"#)
            == .error("the query returned NaN, not a number to judge"))
        #expect(Self.decode(#"{"status":"success","data":{"resultType":"scalar","result":[1,"+Inf"]}}"#)
            == .error("the query returned +Inf, not a number to judge"))
        #expect(Self.decode(#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{"v":"1"},"value":[1,"1"]},{"metric":{"v":"2"},"value":[1,"2"]}]}}"#)
            == .error(#"the query returned 2 series, analysis needs exactly one (aggregate it, e.g. with sum or avg): {"v":"1"}, {"v":"2"}"#))
        #expect(Self.decode(#"{"status":"success","data":{"resultType":"matrix","result":[]}}"#)
            == .error("the query returned a matrix, analysis needs an instant vector with one series or a scalar"))
        #expect(Self.decode("<html>Bad Gateway</html>\n", status: 502) == .error("HTTP 502 without a Prometheus answer: <html>Bad Gateway</html>"))
    }

    @Test("the query is percent-encoded and the time is in unix seconds; a path prefix is kept")
    func queryURL() {
        let url = PrometheusMeasurer.queryURL(address: "http://prom:9090/prefix/", query: #"sum(rate(x{v="a b"}[1m])) + 1 & 2"#,
                                              time: Date(timeIntervalSince1970: 1_795_000_000.25))
        #expect(url == "http://prom:9090/prefix/api/v1/query?query=sum%28rate%28x%7Bv%3D%22a%20b%22%7D%5B1m%5D%29%29%20%2B%201%20%26%202&time=1795000000.250")
        #expect(PrometheusMeasurer.queryURL(address: "http://prom:9090", query: "up", time: nil) == "http://prom:9090/api/v1/query?query=up")
    }
}
