import KubeCore

/// A short, stable fingerprint of a desired object (FNV-1a over its canonical JSON, whose object
/// keys are sorted). Children carry the fingerprint of the configuration last applied in an
/// annotation, so a reconcile that would apply the same configuration again can skip the request:
/// a settled object costs zero API writes.
public enum SpecHash {
    /// The annotation holding the fingerprint on every child the operator applies.
    public static let annotation = WireContract.Annotations.appliedHash

    public static func of(_ value: JSON) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in value.serialized() {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
