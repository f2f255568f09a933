/// Numbers as analysis messages show them: integers without a trailing ".0", others as Swift
/// prints a Double (shortest form that reads back exactly).
enum ConditionFormat {
    static func number(_ value: Double) -> String {
        if value.isFinite, value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }
}
