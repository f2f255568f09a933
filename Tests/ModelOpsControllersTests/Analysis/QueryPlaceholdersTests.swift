import Testing
import ModelOpsControllers

@Suite("Query placeholders")
struct QueryPlaceholdersTests {
    let values = QueryPlaceholders(version: "v2", stableVersion: "v1", model: "fraud", name: "fraud-api", namespace: "ml")

    @Test("every placeholder is replaced, with or without spaces inside the braces")
    func rendersAll() {
        let query = #"sum(rate(errors{model="{{model}}",version="{{ version }}",ns="{{namespace}}",app="{{name}}"}[1m])) / on() sum(rate(errors{version="{{stableVersion}}"}[1m]))"#
        #expect(values.render(query)
            == #"sum(rate(errors{model="fraud",version="v2",ns="ml",app="fraud-api"}[1m])) / on() sum(rate(errors{version="v1"}[1m]))"#)
    }

    @Test("unknown placeholders and unclosed braces stay as written")
    func keepsUnknown() {
        #expect(values.render("x{version=\"{{verison}}\",r=\"{{region}}\"}") == "x{version=\"{{verison}}\",r=\"{{region}}\"}")
        #expect(values.render("a{{version}} {{version") == "av2 {{version")
        #expect(values.render("no placeholders {}") == "no placeholders {}")
        #expect(values.render("{{version}}{{version}}") == "v2v2")
    }
}
