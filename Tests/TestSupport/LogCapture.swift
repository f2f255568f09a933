import Logging
import Synchronization

/// A `Logger` whose lines a test reads back: what a component reports where it has no object
/// to write a status or an event to (an informer's failures, a deleted object's clean-up).
public final class LogCapture: Sendable {
    public struct Line: Sendable {
        public var level: Logger.Level
        public var message: String
        /// The logger's metadata with the call's on top.
        public var metadata: Logger.Metadata
    }

    private let lines = Mutex<[Line]>([])

    public init() {}

    /// A logger writing here, from `level` up.
    public func logger(label: String = "test", level: Logger.Level = .trace) -> Logger {
        Logger(label: label) { _ in Handler(capture: self, logLevel: level) }
    }

    public var all: [Line] { lines.withLock { $0 } }

    /// Whether a line's message contains `text`, with `metadata` among its metadata.
    public func contains(_ text: String, metadata: [String: String] = [:]) -> Bool {
        all.contains { line in
            line.message.contains(text) && metadata.allSatisfy { line.metadata[$0.key]?.description == $0.value }
        }
    }

    struct Handler: LogHandler {
        let capture: LogCapture
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level

        init(capture: LogCapture, logLevel: Logger.Level) {
            self.capture = capture
            self.logLevel = logLevel
        }

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata?, source: String,
                 file: String, function: String, line: UInt) {
            let merged = self.metadata.merging(metadata ?? [:]) { _, call in call }
            capture.lines.withLock { $0.append(Line(level: level, message: message.description, metadata: merged)) }
        }
    }
}
