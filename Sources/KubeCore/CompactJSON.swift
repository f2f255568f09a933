import Synchronization

/// A JSON value packed into one byte buffer, for values held a long time in great numbers (an
/// informer's cache of thousands of objects).
///
/// A `JSON` tree costs a dictionary allocation per object node and a heap string per key or value
/// longer than 15 bytes (`creationTimestamp`, every uid): a trimmed Pod is about 10 KB as a tree.
/// Packed it is one allocation a fraction of its JSON text: object keys are numbers into a table
/// shared by every packed value (Kubernetes objects repeat the same few hundred keys), numbers are
/// varints, strings are length-prefixed UTF-8, except uids and times, packed in binary
/// (`PackedString`), and the values of a few keys that repeat across objects (`valueKeys`),
/// numbers into a second shared table. Unpacking gives back the same tree, `int` and
/// `double` kept apart, and its keys share their storage with the table, so unpacked trees do not
/// copy key strings either.
public struct CompactJSON: Sendable, Hashable {
    /// The packed bytes; their layout is private to this type and to this process.
    public let bytes: [UInt8]

    public init(_ value: JSON) {
        // Keys are looked up in the table as it was when the value started: the table is not
        // held while a value is written (informers pack side by side, and waiting on one lock
        // for every object was a tenth of what packing cost). A key it does not know yet is
        // added then, under the lock.
        let keys = KeyLookup(ids: Self.keys.ids, table: Self.keys)
        let values = KeyLookup(ids: Self.values.ids, table: Self.values)
        // Written into a buffer, then copied once at its exact size: a packed value lives as
        // long as the cache holding it, and a buffer grown by appending would keep up to half
        // its allocation unused (a third of a cache's packed bytes, measured).
        var out: [UInt8] = []
        out.reserveCapacity(1024)
        Self.write(value, into: &out, keys: keys, values: values)
        bytes = out.withUnsafeBufferPointer { Array($0) }
    }

    /// A value's key (or shared string) numbers: the table's as the value started, and what it adds meanwhile.
    struct KeyLookup {
        let ids: [String: UInt32]
        let table: KeyTable

        /// Only ASCII text has a number: Swift compares strings by canonical equivalence, so a
        /// lookup of a Kelvin sign (U+212A) would find "K", and the text would come back with
        /// other bytes. The lock is taken only for text the table could still add.
        @inline(__always)
        func id(for text: String) -> UInt32? {
            let utf8 = text.utf8
            // `isASCII` without a scan: scanning the bytes of every key of every object was most
            // of what packing spent outside the writing itself.
            guard utf8.count <= table.maxLength, text.isASCII else { return nil }
            if let id = ids[text] { return id }
            guard ids.count < table.capacity else { return nil }
            return table.intern(text)
        }
    }

    /// Bytes an earlier `CompactJSON` of this process packed (its `bytes`): the key numbers
    /// mean nothing in another process.
    public init(bytes: [UInt8]) { self.bytes = bytes }

    /// The value, unpacked.
    public var json: JSON {
        let names = Self.keys.names
        let values = Self.values.names
        return bytes.withUnsafeBufferPointer { buffer in
            var reader = Reader(bytes: buffer, names: names, values: values)
            return reader.value()
        }
    }

    /// Bytes held (the buffer's payload, not its allocation).
    public var byteCount: Int { bytes.count }

    // MARK: Layout

    private enum Tag: UInt8 {
        case null = 0, `false`, `true`, int, double, string, array, object
        /// A string that is a uid (`PackedString.uuid`): its 16 bytes.
        case uuid
        /// A string that is a time (`PackedString.time`): its seconds, zigzag varint.
        case time
        /// A string in the shared value table (`values`): its number.
        case shared
    }

    private static func write(_ value: JSON, into out: inout [UInt8], keys: borrowing KeyLookup, values: borrowing KeyLookup) {
        switch value {
        case .null: out.append(Tag.null.rawValue)
        case let .bool(b): out.append(b ? Tag.true.rawValue : Tag.false.rawValue)
        case let .int(i):
            out.append(Tag.int.rawValue)
            writeVarint(UInt64(bitPattern: (i << 1) ^ (i >> 63)), into: &out)
        case let .double(d):
            out.append(Tag.double.rawValue)
            var bits = d.bitPattern.littleEndian
            withUnsafeBytes(of: &bits) { out.append(contentsOf: $0) }
        case let .string(s):
            writeString(s, into: &out)
        case let .array(elements):
            out.append(Tag.array.rawValue)
            writeVarint(UInt64(elements.count), into: &out)
            for element in elements { write(element, into: &out, keys: keys, values: values) }
        case let .object(members):
            out.append(Tag.object.rawValue)
            writeVarint(UInt64(members.count), into: &out)
            for (key, member) in members {
                // A key is its table number times two, or (when the table is full) its length
                // times two plus one, followed by its bytes.
                let id = keys.id(for: key)
                if let id {
                    writeVarint(UInt64(id) << 1, into: &out)
                } else {
                    let utf8 = key.utf8
                    writeVarint(UInt64(utf8.count) << 1 | 1, into: &out)
                    out.append(contentsOf: utf8)
                }
                // The string values of a few keys repeat across objects (a namespace, an owner's
                // kind, a condition's type and reason): written once in the shared table.
                if let id, id < UInt32(valueKeys.count), case let .string(text) = member, let shared = values.id(for: text) {
                    out.append(Tag.shared.rawValue)
                    writeVarint(UInt64(shared), into: &out)
                } else {
                    write(member, into: &out, keys: keys, values: values)
                }
            }
        }
    }

    private static func writeString(_ s: String, into out: inout [UInt8]) {
        let utf8 = s.utf8
        if utf8.count == 36, let uuid = PackedString.uuid(s) {
            out.append(Tag.uuid.rawValue)
            out.append(contentsOf: uuid)
            return
        }
        if utf8.count == 20, let seconds = PackedString.time(s) {
            out.append(Tag.time.rawValue)
            writeVarint(UInt64(bitPattern: (seconds << 1) ^ (seconds >> 63)), into: &out)
            return
        }
        out.append(Tag.string.rawValue)
        writeVarint(UInt64(utf8.count), into: &out)
        out.append(contentsOf: utf8)
    }

    private static func writeVarint(_ value: UInt64, into out: inout [UInt8]) {
        var v = value
        while v >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        out.append(UInt8(v))
    }

    private struct Reader {
        let bytes: UnsafeBufferPointer<UInt8>
        let names: [String]
        let values: [String]
        var index = 0

        init(bytes: UnsafeBufferPointer<UInt8>, names: [String], values: [String]) {
            self.bytes = bytes
            self.names = names
            self.values = values
        }

        mutating func varint() -> UInt64 {
            var result: UInt64 = 0
            var shift: UInt64 = 0
            while true {
                let byte = bytes[index]
                index += 1
                result |= UInt64(byte & 0x7f) << shift
                if byte < 0x80 { return result }
                shift += 7
            }
        }

        mutating func zigzag() -> Int64 {
            let zigzag = varint()
            return Int64(bitPattern: zigzag >> 1) ^ -Int64(bitPattern: zigzag & 1)
        }

        mutating func string(count: Int) -> String {
            let start = index
            index += count
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        }

        mutating func value() -> JSON {
            let tag = Tag(rawValue: bytes[index])!
            index += 1
            switch tag {
            case .null: return .null
            case .false: return .bool(false)
            case .true: return .bool(true)
            case .int:
                return .int(zigzag())
            case .double:
                var bits: UInt64 = 0
                for shift in stride(from: 0, to: 64, by: 8) {
                    bits |= UInt64(bytes[index]) << UInt64(shift)
                    index += 1
                }
                return .double(Double(bitPattern: bits))
            case .string:
                return .string(string(count: Int(varint())))
            case .uuid:
                defer { index += 16 }
                return .string(PackedString.uuidText(UnsafeBufferPointer(rebasing: bytes[index..<index + 16])))
            case .time:
                return .string(PackedString.timeText(zigzag()))
            case .shared:
                return .string(values[Int(varint())])
            case .array:
                let count = Int(varint())
                var elements: [JSON] = []
                elements.reserveCapacity(count)
                for _ in 0..<count { elements.append(value()) }
                return .array(elements)
            case .object:
                let count = Int(varint())
                var members: [String: JSON] = Dictionary(minimumCapacity: count)
                for _ in 0..<count {
                    let key = varint()
                    let name = key & 1 == 0 ? names[Int(key >> 1)] : string(count: Int(key >> 1))
                    members[name] = value()
                }
                return .object(members)
            }
        }
    }

    // MARK: Key table

    /// The table every packed value's keys are numbers into. It only grows, so a number once
    /// given stays valid for the life of the process; it is bounded, because some keys are data
    /// (labels, ConfigMap keys): past `capacity` keys are written out in full instead, as are
    /// keys that are not ASCII (`KeyLookup`).
    static let keys = KeyTable(capacity: 16_384, seed: valueKeys)

    /// The keys whose string values go to the shared value table: values that repeat across
    /// objects of every kind. They are the first numbers of the key table, so a key is one of
    /// them when its number is below their count.
    static let valueKeys = [
        "namespace", "apiVersion", "kind", "type", "status", "reason", "phase", "image", "imagePullPolicy", "protocol",
        "restartPolicy", "terminationMessagePath", "terminationMessagePolicy", "dnsPolicy", "schedulerName",
        "serviceAccountName", "app.kubernetes.io/managed-by", "app.kubernetes.io/name", "app.kubernetes.io/part-of",
        "app.kubernetes.io/component",
    ]

    /// The shared string values (`valueKeys`), ASCII only. Bounded like the key table, and to
    /// short values: a value stays in it for the life of the process, and these keys can hold
    /// values that change (an image tag with each new version) or data (a ConfigMap's `status`
    /// key; the operator caches no ConfigMaps or Secrets). Past the bound values are written in full.
    static let values = KeyTable(capacity: 8_192, maxLength: 64)

    final class KeyTable: Sendable {
        struct State {
            var ids: [String: UInt32] = [:]
            var names: [String] = []
            let capacity: Int

            mutating func id(for key: String) -> UInt32? {
                if let id = ids[key] { return id }
                guard names.count < capacity else { return nil }
                let id = UInt32(names.count)
                ids[key] = id
                names.append(key)
                return id
            }
        }

        private let state: Mutex<State>
        /// Names it holds at most, and their longest (in UTF-8 bytes); `KeyLookup` checks both.
        let capacity: Int
        let maxLength: Int

        /// `seed`: names given the first numbers, in order.
        init(capacity: Int, maxLength: Int = 256, seed: [String] = []) {
            self.capacity = capacity
            self.maxLength = maxLength
            var initial = State(capacity: capacity)
            for name in seed { _ = initial.id(for: name) }
            state = Mutex(initial)
        }

        /// The ids as they are now (shared storage: the lock is held only to take it). A key
        /// added after this copies the table once, bounded by `capacity`.
        var ids: [String: UInt32] { state.withLock { $0.ids } }

        /// The key's number, adding it if the table has room.
        func intern(_ key: String) -> UInt32? { state.withLock { $0.id(for: key) } }

        /// A snapshot of the names (shared storage, no copy unless the table grows meanwhile).
        var names: [String] { state.withLock { $0.names } }

        var count: Int { state.withLock { $0.names.count } }
    }

    /// How many keys the shared table holds (for tests and memory reports).
    public static var internedKeyCount: Int { keys.count }
}
