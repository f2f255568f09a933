import KubeClient
import KubeCore
import Synchronization

/// One informer per kind, namespace and selector for all the controllers of one operator
/// (client-go's `SharedInformerFactory`, controller-runtime's manager cache): three controllers
/// that read ModelDeployments hold one cache of them, not three, and open one watch.
///
/// The first request for a key decides its options; later ones get the same informer. Every
/// controller that uses it runs it (`Informer.run` is one loop however often it is called) and
/// adds its own handlers and indexes.
public final class SharedInformers: Sendable {
    struct Key: Hashable {
        /// The typed kind (its group and resource follow from it).
        var type: ObjectIdentifier
        var namespace: String?
        var labelSelector: String?
        var fieldSelector: String?
    }

    private let informers = Mutex<[Key: any Sendable]>([:])

    public init() {}

    /// The shared informer of a typed kind.
    public func informer<Object: KubeResource>(_ resource: ResourceClient<Object>,
                                               options: InformerOptions = InformerOptions()) -> Informer<Object> {
        let key = Key(type: ObjectIdentifier(Object.self), namespace: resource.namespace,
                      labelSelector: options.labelSelector, fieldSelector: options.fieldSelector)
        return informers.withLock { informers in
            if let existing = informers[key] as? Informer<Object> { return existing }
            let informer = Informer(resource, options: options)
            informers[key] = informer
            return informer
        }
    }

    /// How many distinct informers were handed out.
    public var count: Int { informers.withLock { $0.count } }
}
