import KubeCore
import ModelOpsAPI

/// The contract between the operator and a trainer container, the same for every backend:
/// environment variables naming the model, the data and where to write, every hyperparameter as
/// `HP_<NAME>`, and the hyperparameters as a JSON file (a downward-API volume over a pod
/// annotation, so no extra object is needed). Variables of these names in the template are
/// replaced: the contract wins.
public enum TrainerEnvironment {
    public static let hyperparametersDirectory = "/etc/modelops"
    public static let hyperparametersFile = hyperparametersDirectory + "/hyperparameters.json"
    static let volumeName = "modelops-hyperparameters"

    /// `HP_` and the name upper-cased with `-` and `.` as `_`: `learning-rate` → `HP_LEARNING_RATE`.
    public static func variableName(hyperparameter name: String) -> String {
        "HP_" + String(name.uppercased().map { $0 == "-" || $0 == "." ? "_" : $0 })
    }

    /// The variables, in a fixed order.
    public static func variables(for job: TrainingJob) -> [(name: String, value: String)] {
        let spec = job.spec
        var result: [(String, String)] = [
            ("TRAINING_JOB", job.metadata.name ?? ""),
            ("MODEL_NAME", spec.model.name),
            ("MODEL_VERSION", TrainingJobPlanner.modelVersion(job)),
            ("OUTPUT_URI", spec.outputURI),
            ("DATASET_URI", spec.dataset.uri),
            ("DATASET_VERSION", spec.dataset.version ?? ""),
            ("HYPERPARAMETERS_FILE", hyperparametersFile),
        ]
        for name in (spec.hyperparameters ?? [:]).keys.sorted() {
            result.append((variableName(hyperparameter: name), spec.hyperparameters?[name] ?? ""))
        }
        return result
    }

    /// The hyperparameters as the JSON object the file holds (sorted keys).
    public static func hyperparametersJSON(_ job: TrainingJob) -> String {
        JSON.object((job.spec.hyperparameters ?? [:]).mapValues { .string($0) }).serializedString()
    }

    /// `spec.template` made into the trainer pod template: the TrainingJob label, the
    /// hyperparameters annotation and volume, the variables in every container, and
    /// restartPolicy Never unless the template says OnFailure.
    public static func podTemplate(for job: TrainingJob) -> JSON {
        var template = job.spec.template
        if template.objectValue == nil { template = [:] }
        template = ResultsFinalizer.adding(to: template)
        template[path: ["metadata", "labels", TrainingJobLabels.trainingJob]] = .string(job.metadata.name ?? "")
        template[path: ["metadata", "annotations", TrainingJobLabels.hyperparameters]] = .string(hyperparametersJSON(job))
        if template[path: ["spec", "restartPolicy"]]?.stringValue == nil {
            template[path: ["spec", "restartPolicy"]] = "Never"
        }

        let variables = variables(for: job)
        let injected = Set(variables.map(\.name))
        let env: [JSON] = variables.map { ["name": .string($0.name), "value": .string($0.value)] }
        let mount: JSON = ["name": .string(volumeName), "mountPath": .string(hyperparametersDirectory), "readOnly": true]
        var containers = template[path: ["spec", "containers"]]?.arrayValue ?? []
        for index in containers.indices {
            var container = containers[index]
            let own = (container["env"]?.arrayValue ?? []).filter { !injected.contains($0["name"]?.stringValue ?? "") }
            container["env"] = .array(own + env)
            let mounts = (container["volumeMounts"]?.arrayValue ?? []).filter { $0["name"]?.stringValue != volumeName }
            container["volumeMounts"] = .array(mounts + [mount])
            containers[index] = container
        }
        template[path: ["spec", "containers"]] = .array(containers)

        let volume: JSON = ["name": .string(volumeName), "downwardAPI": ["items": [[
            "path": "hyperparameters.json",
            "fieldRef": ["fieldPath": .string("metadata.annotations['\(TrainingJobLabels.hyperparameters)']")],
        ]]]]
        let volumes = (template[path: ["spec", "volumes"]]?.arrayValue ?? []).filter { $0["name"]?.stringValue != volumeName }
        template[path: ["spec", "volumes"]] = .array(volumes + [volume])
        return template
    }
}
