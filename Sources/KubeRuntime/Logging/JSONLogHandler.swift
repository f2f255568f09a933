import Foundation
import KubeCore
import Logging

/// swift-log handler writing one JSON object per line (`ts`, `level`, `logger`, `msg`, then the
/// metadata keys: controller, namespace, name, reconcileID, …), the format log pipelines in
/// clusters expect; `--log-format text` uses swift-log's stream handler instead.
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level
    public var metadataProvider: Logger.MetadataProvider?
    let label: String
    let write: @Sendable (String) -> Void
    let now: @Sendable () -> Date

    public init(label: String, level: Logger.Level = .info,
                write: @escaping @Sendable (String) -> Void = { FileHandle.standardError.write(Data($0.utf8)) },
                now: @escaping @Sendable () -> Date = { Date() }) {
        self.label = label
        self.logLevel = level
        self.write = write
        self.now = now
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(level: Logger.Level, message: Logger.Message, metadata explicit: Logger.Metadata?,
                    source: String, file: String, function: String, line: UInt) {
        var fields: [String: JSON] = [
            "ts": .string(Timestamp.iso8601Millis(now())), "level": .string(level.rawValue),
            "logger": .string(label), "msg": .string(message.description),
        ]
        var merged = self.metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let explicit { merged.merge(explicit) { _, new in new } }
        for (key, value) in merged where fields[key] == nil { fields[key] = Self.json(value) }
        write(JSON.object(fields).serializedString() + "\n")
    }

    static func json(_ value: Logger.Metadata.Value) -> JSON {
        switch value {
        case let .string(s): return .string(s)
        case let .stringConvertible(c): return .string(c.description)
        case let .array(a): return .array(a.map(json))
        case let .dictionary(d): return .object(d.mapValues(json))
        }
    }

    /// Installs the process-wide handler: `json` or `text`, at `level`. Call once at start-up.
    public static func bootstrap(format: String, level: Logger.Level) {
        LoggingSystem.bootstrap { label in
            if format == "json" { return JSONLogHandler(label: label, level: level) }
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }
}

enum Timestamp {
    /// `2026-11-23T05:30:00.123Z`.
    static func iso8601Millis(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }
}
