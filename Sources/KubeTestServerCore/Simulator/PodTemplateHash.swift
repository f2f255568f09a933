import KubeCore

/// Stable names derived from content, shaped like the cluster's: the `pod-template-hash` that
/// names a Deployment's ReplicaSet, pod IPs, image digests. Deterministic, so recomputing them
/// never looks like a change.
enum PodTemplateHash {
    /// The alphabet of `rand.SafeEncodeString` (no vowels, no confusable digits).
    static let alphabet = Array("bcdfghjklmnpqrstvwxz2456789")

    /// FNV-1a 32 of the template's canonical JSON, encoded as Kubernetes encodes the hash
    /// (each decimal digit mapped into the safe alphabet), e.g. `f5cb7bc9f`.
    static func hash(_ template: JSON) -> String {
        let decimal = String(fnv32(template.serialized()))
        return String(decimal.unicodeScalars.map { alphabet[Int($0.value) % alphabet.count] })
    }

    static func fnv32(_ bytes: some Sequence<UInt8>) -> UInt32 {
        var h: UInt32 = 2_166_136_261
        for b in bytes {
            h ^= UInt32(b)
            h = h &* 16_777_619
        }
        return h
    }

    static func fnv64(_ bytes: some Sequence<UInt8>, seed: UInt64 = 14_695_981_039_346_656_037) -> UInt64 {
        var h = seed
        for b in bytes {
            h ^= UInt64(b)
            h = h &* 1_099_511_628_211
        }
        return h
    }

    /// 64 hex digits standing in for a sha256 digest of `text`.
    static func pseudoDigest(_ text: String) -> String {
        (0..<4).map { i -> String in
            let v = mix(fnv64(Array(text.utf8) + [UInt8(i)]))
            let hex = String(v, radix: 16)
            return String(repeating: "0", count: 16 - hex.count) + hex
        }.joined()
    }

    /// splitmix64's finaliser: spreads FNV's weak low-entropy output over all bits.
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// An address in 10.244.0.0/16 for a pod uid.
    static func podIP(uid: String) -> String {
        let h = fnv32(Array(uid.utf8))
        return "10.244.\((h >> 8) & 0xff).\(max(2, h & 0xff))"
    }
}
