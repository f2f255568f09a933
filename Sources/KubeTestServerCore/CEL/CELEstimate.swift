/// A `[min, max]` range of cost units or of sizes (string length, list items), as cel-go's
/// `CostEstimate` and `SizeEstimate`: arithmetic saturates at `UInt64.max` instead of wrapping,
/// and fractional cost factors round up.
struct CELEstimate: Equatable, Sendable {
    var min: UInt64
    var max: UInt64

    init(min: UInt64, max: UInt64) {
        self.min = min
        self.max = max
    }

    static func fixed(_ n: UInt64) -> CELEstimate { CELEstimate(min: n, max: n) }
    static let zero = fixed(0)
    static let unknown = CELEstimate(min: 0, max: .max)

    func adding(_ other: CELEstimate) -> CELEstimate {
        CELEstimate(min: Self.add(min, other.min), max: Self.add(max, other.max))
    }

    func multiplied(by other: CELEstimate) -> CELEstimate {
        CELEstimate(min: Self.multiply(min, other.min), max: Self.multiply(max, other.max))
    }

    func multiplied(byFactor factor: Double) -> CELEstimate {
        CELEstimate(min: Self.multiply(min, factor), max: Self.multiply(max, factor))
    }

    func union(_ other: CELEstimate) -> CELEstimate {
        CELEstimate(min: Swift.min(min, other.min), max: Swift.max(max, other.max))
    }

    static func add(_ x: UInt64, _ y: UInt64) -> UInt64 {
        let (sum, overflow) = x.addingReportingOverflow(y)
        return overflow ? .max : sum
    }

    static func multiply(_ x: UInt64, _ y: UInt64) -> UInt64 {
        let (product, overflow) = x.multipliedReportingOverflow(by: y)
        return overflow ? .max : product
    }

    /// `multiplyByCostFactor`: the product rounded up, saturating at 2^64 - 1.
    static func multiply(_ x: UInt64, _ factor: Double) -> UInt64 {
        let xf = Double(x)
        if xf > 0 && factor > 0 && xf > Double(UInt64.max) / factor { return .max }
        let product = (xf * factor).rounded(.up)
        return product >= 18_446_744_073_709_551_616.0 ? .max : UInt64(product)
    }
}
