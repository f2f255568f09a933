import Foundation
import KubeCore
import ModelOpsAPI

extension SpecValidation {
    /// Checks of a TrainingJob spec the schema cannot make (the pod template is free-form, and
    /// hyperparameter names become variable names): every problem, each naming its field.
    public static func validate(_ spec: TrainingJobSpec) -> [SpecProblem] {
        var problems: [SpecProblem] = []
        var byVariable: [String: [String]] = [:]
        for name in (spec.hyperparameters ?? [:]).keys.sorted() {
            let allowed = !name.isEmpty && name.unicodeScalars.allSatisfy {
                ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) || $0 == "_" || $0 == "-" || $0 == "."
            }
            if !allowed {
                problems.append(SpecProblem(field: "spec.hyperparameters[\(GoQuote.quote(name))]",
                                            message: "a hyperparameter name may hold only letters, digits, '_', '-' and '.' (it becomes the variable HP_<NAME>)"))
            } else {
                byVariable[TrainerEnvironment.variableName(hyperparameter: name), default: []].append(name)
            }
        }
        for variable in byVariable.keys.sorted() {
            guard let names = byVariable[variable], names.count > 1 else { continue }
            problems.append(SpecProblem(field: "spec.hyperparameters",
                                        message: names.map { GoQuote.quote($0) }.joined(separator: " and ") + " both become \(variable)"))
        }
        let template = spec.template
        let containers = template[path: ["spec", "containers"]]?.arrayValue ?? []
        if containers.isEmpty {
            problems.append(SpecProblem(field: "spec.template.spec.containers", message: "the trainer pod needs at least one container"))
        }
        for (index, container) in containers.enumerated() {
            if (container["image"]?.stringValue ?? "").isEmpty {
                problems.append(SpecProblem(field: "spec.template.spec.containers[\(index)].image", message: "required"))
            }
        }
        if let policy = template[path: ["spec", "restartPolicy"]], !["Never", "OnFailure"].contains(policy.stringValue ?? "") {
            problems.append(SpecProblem(field: "spec.template.spec.restartPolicy",
                                        message: "must be Never or OnFailure for a training run, not \(policy.stringValue.map { GoQuote.quote($0) } ?? policy.serializedString())"))
        }
        return problems
    }
}
