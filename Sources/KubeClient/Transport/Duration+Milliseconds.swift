extension Duration {
    /// Whole milliseconds, rounded up so that a short positive duration never becomes 0
    /// (which libcurl reads as "no timeout").
    var curlMilliseconds: Int {
        let (seconds, attoseconds) = components
        let ms = seconds.multipliedReportingOverflow(by: 1000)
        if ms.overflow { return seconds > 0 ? Int.max : 0 }
        let fraction = (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        return max(0, Int(ms.partialValue + fraction))
    }
}
