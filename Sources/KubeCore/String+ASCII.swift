extension String {
    /// Whether every scalar is ASCII, without scanning: any other scalar takes more UTF-8 bytes
    /// than UTF-16 code units, and for a string the runtime knows to be ASCII its UTF-16 count is
    /// at hand. Tables and memos keyed by text use it: Swift compares strings by canonical
    /// equivalence (a Kelvin sign equals "K"), which is byte equality only for ASCII.
    public var isASCII: Bool { utf8.count == utf16.count }
}
