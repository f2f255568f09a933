import KubeCore

/// A custom resource whose spec this type reads more strictly than its CRD does (the CRD keeps
/// any spec): what a newer version of a CRD, or another writer, can leave in storage. Tests of
/// how clients and informers treat an object they cannot decode create one with
/// `spec.replicas: "three"`.
public struct StrictWidget: KubeResource, Equatable {
    public static let group = "wire.example.com"
    public static let version = "v1"
    public static let kind = "Widget"
    public static let plural = "widgets"

    public struct Spec: Codable, Equatable, Sendable { public var replicas: Int }

    public var apiVersion = "wire.example.com/v1"
    public var kind = "Widget"
    public var metadata: ObjectMeta
    public var spec: Spec

    /// Its CRD: any spec is kept.
    public static let crd = #"{"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","metadata":{"name":"widgets.wire.example.com"},"spec":{"group":"wire.example.com","scope":"Namespaced","names":{"plural":"widgets","singular":"widget","kind":"Widget"},"versions":[{"name":"v1","served":true,"storage":true,"schema":{"openAPIV3Schema":{"type":"object","properties":{"spec":{"type":"object","x-kubernetes-preserve-unknown-fields":true}}}}}]}}"#

    /// A widget as JSON text; `replicas` is JSON (`1`, or `"three"` for one this type cannot read).
    public static func json(_ name: String, replicas: String) -> String {
        #"{"apiVersion":"wire.example.com/v1","kind":"Widget","metadata":{"name":"\#(name)"},"spec":{"replicas":\#(replicas)}}"#
    }
}
