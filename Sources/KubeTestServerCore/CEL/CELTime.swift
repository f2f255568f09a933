/// Accessors on timestamps (`getFullYear`, `getHours('Europe/Paris')`, ...) and durations
/// (`getHours()` = whole hours in the duration), as the CEL standard library defines them.
enum CELTime {
    static func call(_ name: String, _ t: CELTimestamp, _ args: [CELValue]) throws(CELError) -> CELValue? {
        guard args.count <= 1 else { return nil }
        var offset = 0
        if let zone = args.first {
            guard case let .string(z) = zone else { throw .noSuchOverload(name, [.timestamp(t), zone]) }
            offset = try t.offset(forZone: z)
        }
        let c = t.components(offsetSeconds: offset)
        switch name {
        case "getFullYear": return .int(Int64(c.year))
        case "getMonth": return .int(Int64(c.month - 1))
        case "getDate": return .int(Int64(c.day))
        case "getDayOfMonth": return .int(Int64(c.day - 1))
        case "getDayOfWeek": return .int(Int64(c.dayOfWeek))
        case "getDayOfYear": return .int(Int64(c.dayOfYear))
        case "getHours": return .int(Int64(c.hour))
        case "getMinutes": return .int(Int64(c.minute))
        case "getSeconds": return .int(Int64(c.second))
        case "getMilliseconds": return .int(Int64(t.nanos / 1_000_000))
        default: return nil
        }
    }

    static func call(_ name: String, _ nanos: Int64, _ args: [CELValue]) throws(CELError) -> CELValue? {
        guard args.isEmpty else { return nil }
        switch name {
        case "getHours": return .int(nanos / 3_600_000_000_000)
        case "getMinutes": return .int(nanos / 60_000_000_000)
        case "getSeconds": return .int(nanos / 1_000_000_000)
        case "getMilliseconds": return .int(nanos / 1_000_000)
        default: return nil
        }
    }
}
