/// Callbacks for an informer's changes; any may be nil.
///
/// They run on the informer's delivery path, one change at a time, in the order of the changes,
/// after the cache reflects the change. Keep them short and non-blocking (enqueue a key), and do
/// not add or remove handlers of the same informer from inside one (the delivery lock is held).
public struct InformerHandler<Object: Sendable>: Sendable {
    public var onAdd: (@Sendable (Object) -> Void)?
    public var onUpdate: (@Sendable (_ old: Object, _ new: Object) -> Void)?
    public var onDelete: (@Sendable (Object) -> Void)?

    public init(onAdd: (@Sendable (Object) -> Void)? = nil,
                onUpdate: (@Sendable (_ old: Object, _ new: Object) -> Void)? = nil,
                onDelete: (@Sendable (Object) -> Void)? = nil) {
        self.onAdd = onAdd
        self.onUpdate = onUpdate
        self.onDelete = onDelete
    }

    /// One handler for every kind of change.
    public init(_ handle: @escaping @Sendable (InformerEvent<Object>) -> Void) {
        onAdd = { handle(.added($0)) }
        onUpdate = { handle(.updated(old: $0, new: $1)) }
        onDelete = { handle(.deleted($0)) }
    }

    func handle(_ event: InformerEvent<Object>) {
        switch event {
        case let .added(object): onAdd?(object)
        case let .updated(old, new): onUpdate?(old, new)
        case let .deleted(object): onDelete?(object)
        }
    }
}
