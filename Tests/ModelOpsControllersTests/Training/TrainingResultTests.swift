import ModelOpsControllers
import Testing

@Suite struct TrainingResultTests {
    @Test func metricsAndModelURI() {
        let parsed = TrainingResult.parse(#"{"metrics": {"accuracy": 0.93, "epochs": 10}, "modelURI": "s3://models/fraud/v7", "notes": "x"}"#)
        #expect(parsed == .success(TrainingResult(metrics: ["accuracy": 0.93, "epochs": 10], modelURI: "s3://models/fraud/v7")))
    }

    @Test func modelURIIsOptional() {
        #expect(TrainingResult.parse(#"{"metrics": {}}"#) == .success(TrainingResult(metrics: [:], modelURI: nil)))
    }

    @Test(arguments: [nil, "", "  \n"] as [String?])
    func nothingWritten(_ message: String?) {
        #expect(TrainingResult.parse(message) == .failure(.missing))
        #expect(TrainingResult.Problem.missing.description == "the trainer wrote no termination message")
    }

    @Test(arguments: [
        ("Traceback (most recent call last):", "invalid JSON"),
        (#"{"metrics": {"accuracy": 0.9"#, "invalid JSON"),
        ("[1, 2]", "expected a JSON object, got array"),
        (#"{"accuracy": 0.9}"#, "no \"metrics\" object"),
        (#"{"metrics": [0.9]}"#, "\"metrics\" must be an object of numbers, got array"),
        (#"{"metrics": {"accuracy": "high"}}"#, "metric \"accuracy\" must be a number, got string"),
        (#"{"metrics": {"a": 1}, "modelURI": 7}"#, "\"modelURI\" must be a string, got integer"),
    ])
    func malformed(_ message: String, _ expected: String) throws {
        let parsed = TrainingResult.parse(message)
        guard case let .failure(.malformed(detail)) = parsed else {
            Issue.record("expected malformed, got \(parsed)")
            return
        }
        #expect(detail.contains(expected), "\(detail)")
        #expect(TrainingResult.Problem.malformed(detail).description.hasPrefix("the termination message is not a result: "))
    }

    @Test func invalidJSONQuotesWhatWasWritten() {
        guard case let .failure(problem) = TrainingResult.parse("CUDA out of memory") else {
            Issue.record("parsed")
            return
        }
        #expect(problem.description.contains("\"CUDA out of memory\""), "\(problem)")
    }
}
