import KubeCore

/// The query of a list or watch, defaulted and validated as kube-apiserver does before serving
/// it: `SetListOptionsDefaults` with WatchList on (as in v1.36), then `ValidateListOptions`
/// (k8s.io/apimachinery/pkg/apis/meta/internalversion/validation). A refusal is a 422 on kind
/// ListOptions of group meta.k8s.io with one cause per rule broken (goldens 131, 132).
struct ListQuery {
    var watch: Bool
    var resourceVersion: String
    var resourceVersionMatch: String
    /// nil when the client did not say (it is a pointer in Go; false and absent differ).
    var sendInitialEvents: Bool?
    var allowWatchBookmarks: Bool
    var continueToken: String

    init(_ request: APIRequest) throws(APIError) {
        let query = request.query
        watch = Self.flag(query["watch"]) ?? false
        resourceVersion = query["resourceVersion"] ?? ""
        resourceVersionMatch = query["resourceVersionMatch"] ?? ""
        sendInitialEvents = try query["sendInitialEvents"].map { text throws(APIError) in
            guard let value = Self.flag(text) else {
                throw APIError.badRequest("strconv.ParseBool: parsing \(GoFormat.quote(text)): invalid syntax")
            }
            return value
        }
        allowWatchBookmarks = Self.flag(query["allowWatchBookmarks"]) ?? false
        continueToken = query["continue"] ?? ""

        // A watch from "now or anything" streams the current state first: the server turns it
        // into a streaming list (golden 059: the synthetic ADDEDs of a watch without resourceVersion).
        if watch, sendInitialEvents == nil, resourceVersionMatch.isEmpty, resourceVersion.isEmpty || resourceVersion == "0" {
            sendInitialEvents = true
            resourceVersionMatch = "NotOlderThan"
        }
        let errors = watch ? watchErrors() : listErrors()
        if !errors.isEmpty {
            throw APIError.invalid(kind: "ListOptions", group: "meta.k8s.io", name: "", errors: errors)
        }
    }

    /// Go's `strconv.ParseBool`.
    static func flag(_ text: String?) -> Bool? {
        switch text {
        case "1", "t", "T", "true", "TRUE", "True": return true
        case "0", "f", "F", "false", "FALSE", "False": return false
        default: return nil
        }
    }

    private func listErrors() -> [FieldError] {
        var errors: [FieldError] = []
        if !resourceVersionMatch.isEmpty {
            if resourceVersion.isEmpty {
                errors.append(.forbidden("resourceVersionMatch", "resourceVersionMatch is forbidden unless resourceVersion is provided"))
            }
            if !continueToken.isEmpty {
                errors.append(.forbidden("resourceVersionMatch", "resourceVersionMatch is forbidden when continue is provided"))
            }
            if resourceVersionMatch != "Exact", resourceVersionMatch != "NotOlderThan" {
                errors.append(.notSupported("resourceVersionMatch", .string(resourceVersionMatch), supported: ["Exact", "NotOlderThan", ""]))
            }
            if resourceVersionMatch == "Exact", resourceVersion == "0" {
                errors.append(.forbidden("resourceVersionMatch", "resourceVersionMatch \"exact\" is forbidden for resourceVersion \"0\""))
            }
        }
        if sendInitialEvents != nil {
            errors.append(.forbidden("sendInitialEvents", "sendInitialEvents is forbidden for list"))
        }
        return errors
    }

    private func watchErrors() -> [FieldError] {
        var errors: [FieldError] = []
        if sendInitialEvents != nil, resourceVersionMatch != "NotOlderThan" {
            errors.append(.forbidden("resourceVersionMatch", "sendInitialEvents requires setting resourceVersionMatch to NotOlderThan"))
        }
        if !resourceVersionMatch.isEmpty {
            if sendInitialEvents == nil {
                errors.append(.forbidden("resourceVersionMatch", "resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided"))
            }
            if resourceVersionMatch != "NotOlderThan" {
                errors.append(.notSupported("resourceVersionMatch", .string(resourceVersionMatch), supported: ["NotOlderThan"]))
            }
            if !continueToken.isEmpty {
                errors.append(.forbidden("resourceVersionMatch", "resourceVersionMatch is forbidden when continue is provided"))
            }
        }
        return errors
    }
}
