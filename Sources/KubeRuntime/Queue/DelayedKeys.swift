/// Keys waiting for a deadline before they enter the queue (requeueAfter, rate-limited retries):
/// a binary min-heap on the deadline plus the current deadline per key, as client-go's
/// `waitForPriorityQueue` with `knownEntries`. A key added again keeps the *earlier* deadline; the
/// superseded heap entry stays behind and is skipped when it surfaces (lazy deletion keeps every
/// operation O(log n) without tracking heap positions).
struct DelayedKeys<Key: Hashable> {
    private struct Entry {
        var deadline: Duration
        var sequence: UInt64  // ties broken by insertion order
        var key: Key
        func precedes(_ other: Entry) -> Bool {
            (deadline, sequence) < (other.deadline, other.sequence)
        }
    }

    private var heap: [Entry] = []
    private var deadlines: [Key: Duration] = [:]
    private var sequence: UInt64 = 0

    /// Keys waiting (each counted once).
    var count: Int { deadlines.count }

    func deadline(of key: Key) -> Duration? { deadlines[key] }

    /// Schedules `key` for `deadline` unless it is already due no later; returns whether anything changed.
    @discardableResult
    mutating func insert(_ key: Key, at deadline: Duration) -> Bool {
        if let existing = deadlines[key], existing <= deadline { return false }
        deadlines[key] = deadline
        sequence &+= 1
        push(Entry(deadline: deadline, sequence: sequence, key: key))
        return true
    }

    /// The earliest live deadline (dropping superseded entries on the way).
    mutating func nextDeadline() -> Duration? {
        dropStale()
        return heap.first?.deadline
    }

    /// Removes and returns every key due at `now`, earliest deadline first.
    mutating func popDue(now: Duration) -> [Key] {
        var due: [Key] = []
        while let top = nextEntry(), top.deadline <= now {
            _ = pop()
            deadlines.removeValue(forKey: top.key)
            due.append(top.key)
        }
        return due
    }

    mutating func removeAll() {
        heap.removeAll()
        deadlines.removeAll()
    }

    private mutating func nextEntry() -> Entry? {
        dropStale()
        return heap.first
    }

    private mutating func dropStale() {
        while let top = heap.first, deadlines[top.key] != top.deadline {
            _ = pop()
        }
    }

    private mutating func push(_ entry: Entry) {
        heap.append(entry)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].precedes(heap[parent]) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func pop() -> Entry? {
        guard !heap.isEmpty else { return nil }
        heap.swapAt(0, heap.count - 1)
        let top = heap.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1, right = left + 1
            var first = parent
            if left < heap.count, heap[left].precedes(heap[first]) { first = left }
            if right < heap.count, heap[right].precedes(heap[first]) { first = right }
            guard first != parent else { break }
            heap.swapAt(parent, first)
            parent = first
        }
        return top
    }
}
