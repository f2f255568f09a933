/// Settings of the BlueGreen strategy.
public struct BlueGreenStrategy: Sendable, Hashable, Codable {
    /// Service reaching the candidate before promotion; default "<name>-preview".
    public var previewService: String?

    /// Promote this long after the candidate is ready (and analysed); nil waits for a manual
    /// promotion.
    public var autoPromotionSeconds: Int?

    /// Analysis the candidate must pass before promotion.
    public var prePromotionAnalysis: StepAnalysis?

    public init(
        previewService: String? = nil,
        autoPromotionSeconds: Int? = nil,
        prePromotionAnalysis: StepAnalysis? = nil
    ) {
        self.previewService = previewService
        self.autoPromotionSeconds = autoPromotionSeconds
        self.prePromotionAnalysis = prePromotionAnalysis
    }
}
