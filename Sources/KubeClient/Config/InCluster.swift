/// Where a pod finds its service account (client-go `rest.InClusterConfig`).
public enum InCluster {
    public static let serviceAccountRoot = "/var/run/secrets/kubernetes.io/serviceaccount"
    /// client-go's `CachedFileTokenSource` period: a projected token is rotated by the kubelet
    /// well before it expires, and re-reading once a minute picks the new one up.
    public static let tokenRereadInterval: Duration = .seconds(60)
}
