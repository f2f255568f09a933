/// The ready keys in arrival order. An array with a moving head, so taking the first key is O(1)
/// without pulling in a deque dependency; the consumed prefix is dropped once it is the larger half.
struct KeyFIFO<Key> {
    private var items: [Key] = []
    private var head = 0

    var count: Int { items.count - head }
    var isEmpty: Bool { head == items.count }
    var first: Key? { head < items.count ? items[head] : nil }

    mutating func append(_ key: Key) {
        items.append(key)
    }

    mutating func popFirst() -> Key? {
        guard head < items.count else { return nil }
        let key = items[head]
        head += 1
        if head == items.count {
            items.removeAll(keepingCapacity: true)
            head = 0
        } else if head >= 64, head * 2 >= items.count {
            items.removeFirst(head)
            head = 0
        }
        return key
    }

    mutating func removeAll() {
        items.removeAll()
        head = 0
    }
}
