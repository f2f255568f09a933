/// The API group of ModelOps. Every kind is namespaced and in the `modelops` category, so
/// `kubectl get modelops` lists them all.
public enum ModelOps {
    public static let group = "modelops.io"
    public static let version = "v1alpha1"
    public static let apiVersion = "modelops.io/v1alpha1"
    public static let category = "modelops"
}
