import KubeCore

extension KubeClient {
    /// Maps a kind to its resource through legacy discovery (`/api/v1`, `/apis/<group>/<version>`),
    /// cached per group-version.
    public func resource(apiVersion: String, kind: String) async throws(KubeError) -> ResourceInfo {
        if let hit = discoveryCache.withLock({ $0["\(apiVersion)/\(kind)"] }) { return hit }
        let path = apiVersion.contains("/") ? "/apis/\(apiVersion)" : "/api/\(apiVersion)"
        let body = try await send("GET", path).body
        guard let list = try? JSON.parse(body) else { throw KubeError.decoding("discovery of \(apiVersion) is not JSON") }
        let parts = apiVersion.split(separator: "/", maxSplits: 1).map(String.init)
        let group = parts.count == 2 ? parts[0] : ""
        let version = parts.last ?? apiVersion
        var found: [String: ResourceInfo] = [:]
        for entry in list["resources"]?.arrayValue ?? [] {
            guard let name = entry["name"]?.stringValue, !name.contains("/"), let k = entry["kind"]?.stringValue else { continue }
            found["\(apiVersion)/\(k)"] = ResourceInfo(group: group, version: version, kind: k, plural: name,
                                                      namespaced: entry["namespaced"]?.boolValue ?? true)
        }
        discoveryCache.withLock { $0.merge(found) { _, new in new } }
        guard let info = found["\(apiVersion)/\(kind)"] else {
            throw KubeError.api(Status(status: "Failure", message: "no resource for kind \(kind) in \(apiVersion)", reason: "NotFound", code: 404))
        }
        return info
    }

    /// The server's version (`/version`).
    public func serverVersion() async throws(KubeError) -> JSON {
        let body = try await send("GET", "/version").body
        return (try? JSON.parse(body)) ?? .null
    }
}
