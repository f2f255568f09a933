/// Why parsing failed, worded as Go's encoding/json words it, because the API server quotes
/// that text in its 400 answers (`json parse error: invalid character 'n' looking for beginning
/// of object key string`).
public struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    /// Byte offset of the offending character.
    public var offset: Int
    public var description: String { message }
}

extension JSON {
    /// Parses one JSON document. Trailing whitespace is allowed, anything else after the value is
    /// an error.
    public static func parse(_ bytes: some Collection<UInt8>) throws(JSONParseError) -> JSON {
        try JSONParser.run(bytes) { parser throws(JSONParseError) in try parser.parseDocument() }
    }

    public static func parse(_ string: String) throws(JSONParseError) -> JSON {
        try parse(Array(string.utf8))
    }

    /// Parses a document of Kubernetes objects without building their `metadata.managedFields`,
    /// which are skipped (checked as JSON, not kept). For readers that drop them anyway, as every
    /// informer cache does: managedFields are often half an object's bytes, and building them
    /// only to free them was most of what parsing a list page cost.
    public static func parse(_ bytes: some Collection<UInt8>, droppingManagedFieldsOf objects: ObjectsInDocument) throws(JSONParseError) -> JSON {
        try JSONParser.run(bytes) { parser throws(JSONParseError) in try parser.parseDocument(at: objects.place) }
    }

    /// Parses one JSON document, or returns nil when an object in it repeats a key. `parse`
    /// keeps the last value, as Go's decoder does; a reader standing in for a parser that
    /// refuses repeated keys (YAML's) hands such a document to that parser instead.
    public static func parseWithUniqueKeys(_ bytes: some Collection<UInt8>) throws(JSONParseError) -> JSON? {
        try JSONParser.run(bytes) { parser throws(JSONParseError) -> JSON? in
            let document = try parser.parseDocument()
            // `Optional.none`: `nil` alone would be `JSON.null` (JSON is nil-literal expressible).
            return parser.repeatedKey ? Optional.none : document
        }
    }

    /// Where a document holds its Kubernetes objects.
    public enum ObjectsInDocument: Sendable {
        /// The document is one object (a get, a write's answer).
        case document
        /// A list: the objects are its `items`.
        case listItems
        /// A watch event: the object is its `object`.
        case watchEvent

        var place: JSONParser.Place {
            switch self {
            case .document: return .object
            case .listItems: return .list
            case .watchEvent: return .watchEvent
            }
        }
    }
}

/// A recursive-descent parser over bytes. Strings without escapes are decoded straight from the
/// buffer; numbers become `int` when they have no fraction or exponent and fit in Int64.
struct JSONParser {
    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0
    var depth = 0
    static let maxDepth = 10_000
    /// The members of the objects being parsed, innermost last. An object's members are
    /// gathered here and the dictionary is made once, at its size: grown one key at a time it
    /// was resized and every key hashed again at each doubling (a tenth of the operator's CPU
    /// while it listed 27,000 objects).
    var members: [(key: String, value: JSON)] = []
    /// Whether an object repeated a key (its last value was kept).
    var repeatedKey = false

    init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    /// Runs `body` with a parser over `bytes`.
    static func run<R>(_ bytes: some Collection<UInt8>,
                       _ body: (inout JSONParser) throws(JSONParseError) -> R) throws(JSONParseError) -> R {
        let array = bytes as? [UInt8] ?? Array(bytes)
        let result: Result<R, JSONParseError> = array.withUnsafeBufferPointer { buffer in
            var parser = JSONParser(buffer)
            do throws(JSONParseError) {
                return .success(try body(&parser))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    /// Where a value sits relative to the Kubernetes objects of the document, for parses that
    /// drop `metadata.managedFields`: only an object's own metadata is meant, never a field of
    /// the same name deeper down (a pod template's metadata).
    enum Place {
        case other, list, items, watchEvent, object, metadata

        @inline(__always)
        func child(_ key: String) -> Place {
            switch self {
            case .list: return key == "items" ? .items : .other
            case .watchEvent: return key == "object" ? .object : .other
            case .object: return key == "metadata" ? .metadata : .other
            case .other, .items, .metadata: return .other
            }
        }
    }

    mutating func parseDocument(at place: Place = .other) throws(JSONParseError) -> JSON {
        skipWhitespace()
        let value = try parseValue(context: "looking for beginning of value", place: place)
        skipWhitespace()
        if index < bytes.count {
            throw invalid(bytes[index], "after top-level value")
        }
        return value
    }

    private func describe(_ byte: UInt8) -> String {
        switch byte {
        case UInt8(ascii: "'"): return "'\\''"
        case UInt8(ascii: "\""): return "'\"'"
        case 0x20...0x7e: return "'\(Character(UnicodeScalar(byte)))'"
        default:
            let hex = String(byte, radix: 16)
            return "'\\x\(hex.count == 1 ? "0" + hex : hex)'"
        }
    }

    private func invalid(_ byte: UInt8, _ context: String) -> JSONParseError {
        JSONParseError(message: "invalid character \(describe(byte)) \(context)", offset: index)
    }

    private func endOfInput() -> JSONParseError {
        JSONParseError(message: "unexpected end of JSON input", offset: index)
    }

    @inline(__always)
    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x0a, 0x0d, 0x09: index += 1
            default: return
            }
        }
    }

    /// `build` false: the value is stepped over, checked as it would be parsed (same errors),
    /// and nothing is built (`.null` is returned): for `metadata.managedFields` when dropped.
    private mutating func parseValue(context: String, place: Place = .other, build: Bool = true) throws(JSONParseError) -> JSON {
        guard index < bytes.count else { throw endOfInput() }
        let byte = bytes[index]
        switch byte {
        case UInt8(ascii: "{"): return try parseObject(place, build: build)
        case UInt8(ascii: "["): return try parseArray(place, build: build)
        case UInt8(ascii: "\""):
            guard build else { try skipString(); return .null }
            return .string(try parseString())
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        default: throw invalid(byte, context)
        }
    }

    private mutating func expectLiteral(_ literal: StaticString) throws(JSONParseError) {
        let text = UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount)
        for (offset, expected) in text.enumerated() {
            guard index + offset < bytes.count else {
                index += offset
                throw endOfInput()
            }
            if bytes[index + offset] != expected {
                index += offset
                throw invalid(bytes[index], "in literal \(literal) (expecting \(describe(expected)))")
            }
        }
        index += text.count
    }

    private mutating func enter() throws(JSONParseError) {
        depth += 1
        if depth > Self.maxDepth {
            throw JSONParseError(message: "exceeded max depth", offset: index)
        }
    }

    private mutating func parseObject(_ place: Place = .other, build: Bool = true) throws(JSONParseError) -> JSON {
        try enter()
        defer { depth -= 1 }
        index += 1  // {
        skipWhitespace()
        guard index < bytes.count else { throw endOfInput() }
        if bytes[index] == UInt8(ascii: "}") {
            index += 1
            return build ? .object([:]) : .null
        }
        let first = members.count
        // An error leaves members behind; the parser is not used again after one.
        while true {
            skipWhitespace()
            guard index < bytes.count else { throw endOfInput() }
            guard bytes[index] == UInt8(ascii: "\"") else {
                throw invalid(bytes[index], "looking for beginning of object key string")
            }
            let key: String
            if build { key = try parseString() } else { try skipString(); key = "" }
            skipWhitespace()
            guard index < bytes.count else { throw endOfInput() }
            guard bytes[index] == UInt8(ascii: ":") else { throw invalid(bytes[index], "after object key") }
            index += 1
            skipWhitespace()
            if build, !(place == .metadata && key == "managedFields") {
                let value = try parseValue(context: "looking for beginning of value", place: place.child(key))
                members.append((key, value))
            } else {
                _ = try parseValue(context: "looking for beginning of value", build: false)
            }
            skipWhitespace()
            guard index < bytes.count else { throw endOfInput() }
            switch bytes[index] {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "}"):
                index += 1
                guard build else { return .null }
                var object = [String: JSON](minimumCapacity: members.count - first)
                // In order, so that a repeated key keeps its last value (as Go's decoder does).
                for i in first..<members.count { object[members[i].key] = members[i].value }
                if object.count < members.count - first { repeatedKey = true }
                members.removeSubrange(first...)
                return .object(object)
            default: throw invalid(bytes[index], "after object key:value pair")
            }
        }
    }

    private mutating func parseArray(_ place: Place = .other, build: Bool = true) throws(JSONParseError) -> JSON {
        try enter()
        defer { depth -= 1 }
        index += 1  // [
        var array: [JSON] = []
        skipWhitespace()
        guard index < bytes.count else { throw endOfInput() }
        if bytes[index] == UInt8(ascii: "]") {
            index += 1
            return build ? .array(array) : .null
        }
        while true {
            skipWhitespace()
            let element = try parseValue(context: "looking for beginning of value", place: place == .items ? .object : .other, build: build)
            if build { array.append(element) }
            skipWhitespace()
            guard index < bytes.count else { throw endOfInput() }
            switch bytes[index] {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "]"):
                index += 1
                return build ? .array(array) : .null
            default: throw invalid(bytes[index], "after array element")
            }
        }
    }

    /// Steps over a string, checking it as `parseString` does. A string with an escape (a
    /// managedFields key such as `k:{\"type\":\"Ready\"}`) is handed to `parseString`, which
    /// checks escapes where it decodes them.
    private mutating func skipString() throws(JSONParseError) {
        let start = index
        index += 1  // opening quote
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                index += 1
                return
            }
            if byte == UInt8(ascii: "\\") {
                index = start
                _ = try parseString()
                return
            }
            if byte < 0x20 { throw invalid(byte, "in string literal") }
            index += 1
        }
        throw endOfInput()
    }

    private mutating func parseString() throws(JSONParseError) -> String {
        index += 1  // opening quote
        let start = index
        // Fast path: no escapes.
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let s = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
                index += 1
                return s
            }
            if byte == UInt8(ascii: "\\") { break }
            if byte < 0x20 { throw invalid(byte, "in string literal") }
            index += 1
        }
        guard index < bytes.count else { throw endOfInput() }
        var buffer = Array(UnsafeBufferPointer(rebasing: bytes[start..<index]))
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                return String(decoding: buffer, as: UTF8.self)
            case UInt8(ascii: "\\"):
                index += 1
                guard index < bytes.count else { throw endOfInput() }
                let escaped = bytes[index]
                index += 1
                switch escaped {
                case UInt8(ascii: "\""): buffer.append(0x22)
                case UInt8(ascii: "\\"): buffer.append(0x5c)
                case UInt8(ascii: "/"): buffer.append(0x2f)
                case UInt8(ascii: "b"): buffer.append(0x08)
                case UInt8(ascii: "f"): buffer.append(0x0c)
                case UInt8(ascii: "n"): buffer.append(0x0a)
                case UInt8(ascii: "r"): buffer.append(0x0d)
                case UInt8(ascii: "t"): buffer.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try parseHex4()
                    if (0xD800..<0xDC00).contains(scalar) {
                        // A high surrogate wants a low one next; alone it becomes U+FFFD, as in Go.
                        if index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") {
                            let save = index
                            index += 2
                            let low = try parseHex4()
                            if (0xDC00..<0xE000).contains(low) {
                                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                            } else {
                                index = save
                                scalar = 0xFFFD
                            }
                        } else {
                            scalar = 0xFFFD
                        }
                    } else if (0xDC00..<0xE000).contains(scalar) {
                        scalar = 0xFFFD
                    }
                    buffer.append(contentsOf: String(Character(UnicodeScalar(scalar)!)).utf8)
                default:
                    index -= 1
                    throw invalid(escaped, "in string escape code")
                }
            default:
                if byte < 0x20 { throw invalid(byte, "in string literal") }
                buffer.append(byte)
                index += 1
            }
        }
        throw endOfInput()
    }

    private mutating func parseHex4() throws(JSONParseError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard index < bytes.count else { throw endOfInput() }
            let byte = bytes[index]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw invalid(byte, "in \\u hexadecimal character escape")
            }
            value = value << 4 | digit
            index += 1
        }
        return value
    }

    private mutating func parseNumber() throws(JSONParseError) -> JSON {
        let start = index
        var isInteger = true
        if bytes[index] == UInt8(ascii: "-") {
            index += 1
            guard index < bytes.count else { throw endOfInput() }
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) else {
                throw invalid(bytes[index], "in numeric literal")
            }
        }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
        } else {
            while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            isInteger = false
            index += 1
            guard index < bytes.count else { throw endOfInput() }
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) else {
                throw invalid(bytes[index], "after decimal point in numeric literal")
            }
            while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            isInteger = false
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard index < bytes.count else { throw endOfInput() }
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) else {
                throw invalid(bytes[index], "in exponent of numeric literal")
            }
            while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
        }
        if isInteger, let value = smallInteger(start..<index) { return .int(value) }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        if isInteger, let value = Int64(text) { return .int(value) }
        guard let value = Double(text) else {
            throw JSONParseError(message: "invalid number \(text)", offset: start)
        }
        return .double(value)
    }

    /// An integer of at most 18 digits read straight from the bytes (it cannot overflow);
    /// longer ones go through `Int64(String)`, which knows where Int64 ends.
    @inline(__always)
    private func smallInteger(_ range: Range<Int>) -> Int64? {
        var i = range.lowerBound
        let negative = bytes[i] == UInt8(ascii: "-")
        if negative { i += 1 }
        guard range.upperBound - i <= 18 else { return nil }
        var value: Int64 = 0
        while i < range.upperBound {
            value = value &* 10 &+ Int64(bytes[i] &- UInt8(ascii: "0"))
            i += 1
        }
        return negative ? -value : value
    }
}
