import KubeCore
import Synchronization

/// Remembers what was derived from the last few schemas, process-wide.
///
/// Every test server that installs the real Gateway API CRDs (the HTTPRoute schema alone is
/// 400 kB of YAML) would otherwise parse, compile and cost-estimate the same schemas again;
/// comparing a schema with a remembered one is far cheaper than deriving from it.
final class SchemaMemo<Value: Sendable>: Sendable {
    private let entries = Mutex<[(key: JSON, value: Value)]>([])
    private let capacity: Int

    init(capacity: Int = 16) {
        self.capacity = capacity
    }

    func value(for key: JSON, _ make: () -> Value) -> Value {
        if let hit = entries.withLock({ $0.first { $0.key == key }?.value }) { return hit }
        let value = make()
        entries.withLock { entries in
            entries.insert((key, value), at: 0)
            if entries.count > capacity { entries.removeLast() }
        }
        return value
    }
}
