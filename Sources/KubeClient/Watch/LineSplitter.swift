/// Cuts a stream of byte chunks into newline-terminated lines, as a watch body arrives: an event
/// split across chunks is held until its newline comes; several events in one chunk come out one
/// by one.
struct LineSplitter {
    private var pending: [UInt8] = []

    /// Appends a chunk and returns the complete lines it finished (without the newline).
    mutating func append(_ chunk: [UInt8]) -> [ArraySlice<UInt8>] {
        var lines: [ArraySlice<UInt8>] = []
        var start = chunk.startIndex
        var index = chunk.startIndex
        while let newline = chunk[index...].firstIndex(of: 0x0a) {
            if pending.isEmpty {
                if newline > start { lines.append(chunk[start..<newline]) }
            } else {
                pending.append(contentsOf: chunk[start..<newline])
                lines.append(pending[...])
                pending = []
            }
            start = newline + 1
            index = start
        }
        if start < chunk.endIndex { pending.append(contentsOf: chunk[start...]) }
        return lines
    }

    /// Whatever is left when the stream ends (a last event without a newline).
    mutating func finish() -> ArraySlice<UInt8>? {
        defer { pending = [] }
        return pending.isEmpty ? nil : pending[...]
    }
}
