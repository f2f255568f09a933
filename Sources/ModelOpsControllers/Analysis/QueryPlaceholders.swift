import Foundation

/// The values a metric's PromQL may refer to, so one query works for every version of every model:
/// `{{version}}` (the candidate), `{{stableVersion}}`, `{{model}}`, `{{name}}` (the ModelDeployment)
/// and `{{namespace}}`. Spaces inside the braces are allowed (`{{ version }}`, as Flagger writes them).
public struct QueryPlaceholders: Sendable, Hashable {
    public var version: String
    public var stableVersion: String
    public var model: String
    public var name: String
    public var namespace: String

    public init(version: String, stableVersion: String, model: String, name: String, namespace: String) {
        self.version = version
        self.stableVersion = stableVersion
        self.model = model
        self.name = name
        self.namespace = namespace
    }

    /// Replaces every known placeholder. An unknown one (`{{region}}`, a typo like `{{verison}}`) is
    /// kept as written rather than replaced with nothing: the query then fails or matches nothing
    /// visibly (Prometheus reports the stray braces), instead of silently measuring every series.
    /// Values are inserted verbatim; they are Kubernetes names and label values, which cannot hold quotes.
    public func render(_ query: String) -> String {
        var output = ""
        var rest = Substring(query)
        while let open = rest.range(of: "{{") {
            output += rest[..<open.lowerBound]
            let afterOpen = rest[open.upperBound...]
            guard let close = afterOpen.range(of: "}}") else {
                rest = rest[open.lowerBound...]
                break
            }
            let key = String(afterOpen[..<close.lowerBound]).trimmingCharacters(in: .whitespaces)
            if let value = value(of: key) {
                output += value
            } else {
                output += rest[open.lowerBound..<close.upperBound]
            }
            rest = afterOpen[close.upperBound...]
        }
        return output + rest
    }

    private func value(of key: String) -> String? {
        switch key {
        case "version": return version
        case "stableVersion": return stableVersion
        case "model": return model
        case "name": return name
        case "namespace": return namespace
        default: return nil
        }
    }
}
