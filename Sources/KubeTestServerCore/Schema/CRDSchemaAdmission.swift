import KubeCore

/// What a real API server checks in the schemas of a CustomResourceDefinition being written
/// (`validateCustomResourceDefinitionValidation`), in its order: the schema must be structural
/// (errors sorted, as the real server sorts them); only then are the defaults validated; only
/// when both hold are the rules looked at as CEL; the per-node schema checks
/// (``OpenAPISchemaChecks``) always run. Goldens 085–087, 097, 098 and 102–113 pin the messages.
enum CRDSchemaAdmission {
    /// The schema errors of a CRD (v1, as sent).
    ///
    /// The real server converts the CRD to its internal form first: when every version carries
    /// the same schema (always so with one version) that schema moves to `spec.validation`, so
    /// errors are reported under `spec.validation.openAPIV3Schema`; otherwise under
    /// `spec.versions[i].schema.openAPIV3Schema`.
    static func validate(_ crd: JSON) -> [FieldError] {
        let versions = crd[path: ["spec", "versions"]]?.arrayValue ?? []
        let schemas = versions.map { $0["schema"] }
        if let first = schemas.first, let shared = first, schemas.allSatisfy({ $0 == shared }) {
            return shared["openAPIV3Schema"].map { check($0, path: "spec.validation.openAPIV3Schema") } ?? []
        }
        var errors: [FieldError] = []
        for (i, schema) in schemas.enumerated() {
            if let openAPIV3Schema = schema?["openAPIV3Schema"] {
                errors += check(openAPIV3Schema, path: "spec.versions[\(i)].schema.openAPIV3Schema")
            }
        }
        return errors
    }

    /// Test servers write the same big CRDs (Gateway API) again and again: the answer for a
    /// schema is remembered.
    private static let memo = SchemaMemo<[FieldError]>()

    private static func check(_ openAPIV3Schema: JSON, path: String) -> [FieldError] {
        memo.value(for: [.string(path), openAPIV3Schema]) { admit(openAPIV3Schema, path: path) }
    }

    private static func admit(_ openAPIV3Schema: JSON, path: String) -> [FieldError] {
        var parser = SchemaParser()
        let root = parser.parse(openAPIV3Schema, path: path, nested: false)
        let structural = (StructuralChecks.invariants(root, level: .root, path: path)
            + StructuralChecks.completeness(root, path: path)).sorted { $0.summary < $1.summary }
        let readable = parser.errors.isEmpty && structural.isEmpty
        let defaults = readable ? DefaultValidation.errors(root, path: path) : []
        let checks = OpenAPISchemaChecks.check(root, path: path, celReady: readable && defaults.isEmpty)
        return structural + defaults + parser.errors + checks.schemaErrors + checks.celErrors
            + checks.totalCostErrors(schemaPath: path)
    }
}
