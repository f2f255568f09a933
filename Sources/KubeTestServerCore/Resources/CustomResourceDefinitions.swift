import KubeCore

/// Turning CustomResourceDefinitions into served resources, as apiextensions-apiserver does.
public enum CustomResourceDefinitions {
    /// Builds the processor (pruning, defaulting, validation) for a version's schema. Replaced by
    /// the server's configured factory; the default accepts everything.
    public typealias ProcessorFactory = @Sendable (JSON) -> CustomResourceProcessor?

    static func validate(_ crd: JSON) -> [FieldError] {
        var errors: [FieldError] = []
        let group = crd[path: ["spec", "group"]]?.stringValue ?? ""
        let plural = crd[path: ["spec", "names", "plural"]]?.stringValue ?? ""
        let name = crd[path: ["metadata", "name"]]?.stringValue ?? ""
        if group.isEmpty { errors.append(.required("spec.group")) }
        if plural.isEmpty { errors.append(.required("spec.names.plural")) }
        if (crd[path: ["spec", "names", "kind"]]?.stringValue ?? "").isEmpty { errors.append(.required("spec.names.kind")) }
        if !group.isEmpty, !plural.isEmpty, name != "\(plural).\(group)" {
            errors.append(.invalid("metadata.name", .string(name), "must be spec.names.plural+\".\"+spec.group"))
        }
        let scope = crd[path: ["spec", "scope"]]?.stringValue ?? ""
        if scope != "Namespaced", scope != "Cluster" {
            errors.append(.notSupported("spec.scope", .string(scope), supported: ["Cluster", "Namespaced"]))
        }
        let versions = crd[path: ["spec", "versions"]]?.arrayValue ?? []
        if versions.isEmpty { errors.append(.required("spec.versions", "must have exactly one version marked as storage version")) }
        if versions.filter({ $0["storage"]?.boolValue == true }).count != 1, !versions.isEmpty {
            errors.append(.invalid("spec.versions", .null, "must have exactly one version marked as storage version"))
        }
        errors += CRDSchemaAdmission.validate(crd)
        return errors
    }

    /// The resources a CRD serves, one per served version.
    static func resourceTypes(_ crd: JSON, processor: ProcessorFactory) -> [ResourceType] {
        let spec = crd["spec"] ?? [:]
        let group = spec["group"]?.stringValue ?? ""
        let names = spec["names"] ?? [:]
        let kind = names["kind"]?.stringValue ?? ""
        let plural = names["plural"]?.stringValue ?? ""
        var result: [ResourceType] = []
        for version in spec["versions"]?.arrayValue ?? [] where version["served"]?.boolValue != false {
            let v = version["name"]?.stringValue ?? "v1"
            var r = ResourceType(group: group, version: v, kind: kind, plural: plural,
                                 singular: names["singular"]?.stringValue ?? kind.lowercased(),
                                 namespaced: spec["scope"]?.stringValue != "Cluster",
                                 hasStatus: version[path: ["subresources", "status"]] != nil,
                                 shortNames: (names["shortNames"]?.arrayValue ?? []).compactMap(\.stringValue),
                                 categories: (names["categories"]?.arrayValue ?? []).compactMap(\.stringValue),
                                 storageKey: "\(plural).\(group)")
            if let scale = version[path: ["subresources", "scale"]] {
                r.scale = ScaleSubresource(specReplicasPath: scale["specReplicasPath"]?.stringValue ?? ".spec.replicas",
                                           statusReplicasPath: scale["statusReplicasPath"]?.stringValue ?? ".status.replicas",
                                           labelSelectorPath: scale["labelSelectorPath"]?.stringValue)
            }
            let schema = version[path: ["schema", "openAPIV3Schema"]]
            let columns = (version["additionalPrinterColumns"]?.arrayValue ?? []).map { c in
                PrinterColumn(name: c["name"]?.stringValue ?? "", type: c["type"]?.stringValue ?? "string",
                              format: c["format"]?.stringValue ?? "", description: c["description"]?.stringValue ?? "",
                              priority: Int(c["priority"]?.intValue ?? 0), jsonPath: c["jsonPath"]?.stringValue ?? "")
            }
            r.custom = CustomResource(crdName: crd[path: ["metadata", "name"]]?.stringValue ?? "", schema: schema,
                                      processor: schema.flatMap(processor), printerColumns: columns,
                                      preserveUnknownFields: spec["preserveUnknownFields"]?.boolValue ?? false)
            result.append(r)
        }
        return result
    }
}

extension APIServer {
    /// A CRD was written: serve its resources at once and mark it Established, as the real
    /// server's controllers do within milliseconds.
    func crdChanged(_ crd: JSON) {
        let name = crd[path: ["metadata", "name"]]?.stringValue ?? ""
        if crd[path: ["metadata", "deletionTimestamp"]] != nil { return }
        let types = CustomResourceDefinitions.resourceTypes(crd, processor: processorFactory)
        registryState.withLock { registry in
            registry.removeCustom(crdName: name)
            for t in types { registry.add(t) }
        }
        let names = crd[path: ["spec", "names"]] ?? [:]
        var accepted: JSON = ["plural": names["plural"] ?? "", "singular": names["singular"] ?? "", "kind": names["kind"] ?? "",
                              "listKind": .string(names["listKind"]?.stringValue ?? "\(names["kind"]?.stringValue ?? "")List")]
        if let s = names["shortNames"] { accepted["shortNames"] = s }
        if let c = names["categories"] { accepted["categories"] = c }
        let time = now()
        store.withState { state in
            let key = ObjectKey(namespace: "", name: name)
            guard var current = state.get("customresourcedefinitions.apiextensions.k8s.io", key)?.object else { return }
            let previous = current["status"]?["conditions"]?.arrayValue ?? []
            func since(_ type: String) -> JSON {
                previous.first { $0["type"]?.stringValue == type }?["lastTransitionTime"] ?? .string(time)
            }
            var status: JSON = current["status"] ?? [:]
            status["conditions"] = [
                ["type": "NamesAccepted", "status": "True", "lastTransitionTime": since("NamesAccepted"), "reason": "NoConflicts", "message": "no conflicts found"],
                ["type": "Established", "status": "True", "lastTransitionTime": since("Established"), "reason": "InitialNamesAccepted", "message": "the initial names have been accepted"],
            ]
            status["acceptedNames"] = accepted
            status["storedVersions"] = .array((crd[path: ["spec", "versions"]]?.arrayValue ?? [])
                .filter { $0["storage"]?.boolValue == true }.compactMap { $0["name"] })
            guard status != current["status"] else { return }
            var updated = current
            updated["status"] = status
            // The apiextensions controllers write this status as kube-apiserver (golden 013).
            let entries = FieldManager.update(
                old: current, new: updated, managedFields: ManagedFieldsEntry.list(from: current), manager: "kube-apiserver",
                apiVersion: "apiextensions.k8s.io/v1", subresource: "status", time: time,
                schema: .builtin(group: "apiextensions.k8s.io", kind: "CustomResourceDefinition"), statusIsSubresource: true)
            updated[path: ["metadata", "managedFields"]] = .array(entries.map(\.json))
            state.put("customresourcedefinitions.apiextensions.k8s.io", key, updated)
        }
    }
}
