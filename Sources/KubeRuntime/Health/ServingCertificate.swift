import Crypto
#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Logging
import NIOSSL
import Synchronization
import X509

/// The certificate the secure metrics endpoint serves: `tls.crt` and `tls.key` from a directory
/// (a mounted cert-manager or Secret volume, kubebuilder's `--metrics-cert-path`), else one the
/// process signs for itself at start, as controller-runtime's metrics server does when given no
/// certificate. Scrapers then skip verification (`insecureSkipVerify`) but the token they send
/// still travels encrypted.
public struct ServingCertificate: Sendable {
    public var certificatePEM: String
    public var privateKeyPEM: String

    public init(certificatePEM: String, privateKeyPEM: String) {
        self.certificatePEM = certificatePEM
        self.privateKeyPEM = privateKeyPEM
    }

    public struct LoadError: Error, CustomStringConvertible {
        public var description: String
    }

    /// `<directory>/tls.crt` and `<directory>/tls.key`, checked by building a TLS context from them.
    public static func load(directory: String, certificateName: String = "tls.crt", keyName: String = "tls.key") throws(LoadError) -> ServingCertificate {
        let base = URL(fileURLWithPath: directory)
        func read(_ name: String) throws(LoadError) -> String {
            let path = base.appendingPathComponent(name).path
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw LoadError(description: "cannot read \(path) (--metrics-cert-path holds tls.crt and tls.key)")
            }
            return text
        }
        let certificate = ServingCertificate(certificatePEM: try read(certificateName), privateKeyPEM: try read(keyName))
        do {
            _ = try certificate.sslContext()
        } catch {
            throw LoadError(description: "\(directory): tls.crt and tls.key do not make a TLS server identity: \(error)")
        }
        return certificate
    }

    /// A self-signed P-256 certificate for `hosts` (plus the host name), valid for a year.
    public static func selfSigned(hosts: [String] = ["localhost"]) throws -> ServingCertificate {
        let key = P256.Signing.PrivateKey()
        let now = Date()
        var names = hosts
        if let host = ProcessInfo.processInfo.environment["POD_NAME"] ?? Optional(ProcessInfo.processInfo.hostName), !names.contains(host) {
            names.append(host)
        }
        let subject = try DistinguishedName { CommonName("modelops-metrics") }
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(),
            publicKey: .init(key.publicKey), notValidBefore: now.addingTimeInterval(-300),
            notValidAfter: now.addingTimeInterval(86400 * 365), issuer: subject, subject: subject,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true, keyEncipherment: true))
                try ExtendedKeyUsage([.serverAuth])
                SubjectAlternativeNames(names.map { GeneralName.dnsName($0) })
            },
            issuerPrivateKey: .init(key))
        return ServingCertificate(certificatePEM: try certificate.serializeAsPEM().pemString, privateKeyPEM: key.pemRepresentation)
    }

    /// A TLS 1.2+ server context over this certificate.
    public func sslContext() throws -> NIOSSLContext {
        let chain = try NIOSSLCertificate.fromPEMBytes(Array(certificatePEM.utf8)).map { NIOSSLCertificateSource.certificate($0) }
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain, privateKey: .privateKey(try NIOSSLPrivateKey(bytes: Array(privateKeyPEM.utf8), format: .pem)))
        configuration.minimumTLSVersion = .tlsv12
        return try NIOSSLContext(configuration: configuration)
    }
}

extension ServingCertificate {
    /// The TLS context to serve: from a directory, re-read when tls.crt or tls.key changes (as
    /// controller-runtime's certwatcher does, so a renewed cert-manager Secret is served without a
    /// restart; a pair that does not load keeps the last good one and logs why), or a
    /// self-signed certificate made once.
    public final class Source: Sendable {
        private struct Loaded {
            var stamp: [String]
            var context: NIOSSLContext
            /// The stamp of a pair that did not load, so its warning is logged once.
            var failed: [String]? = nil
        }

        private let directory: String?
        private let logger: Logger
        private let loaded: Mutex<Loaded>

        public init(directory: String?, logger: Logger) throws {
            self.directory = directory
            self.logger = logger
            if let directory {
                let stamp = Self.stamp(directory)
                loaded = Mutex(Loaded(stamp: stamp, context: try ServingCertificate.load(directory: directory).sslContext()))
            } else {
                loaded = Mutex(Loaded(stamp: [], context: try ServingCertificate.selfSigned().sslContext()))
            }
        }

        /// The current context, reloaded first when the files changed since the last load.
        @Sendable public func context() -> NIOSSLContext {
            guard let directory else { return loaded.withLock { $0.context } }
            let stamp = Self.stamp(directory)
            if let current = loaded.withLock({ $0.stamp == stamp ? $0.context : nil }) { return current }
            do {
                let context = try ServingCertificate.load(directory: directory).sslContext()
                loaded.withLock { $0 = Loaded(stamp: stamp, context: context) }
                logger.info("metrics certificate reloaded", metadata: ["directory": "\(directory)"])
                return context
            } catch {
                // The last good pair goes on serving; the stamp is not taken, so the next
                // connection tries again (a pair caught half-written loads once it is whole).
                let first = loaded.withLock { loaded in
                    defer { loaded.failed = stamp }
                    return loaded.failed != stamp
                }
                if first {
                    logger.warning("metrics certificate not reloaded, serving the previous one", metadata: ["error": "\(error)"])
                }
                return loaded.withLock { $0.context }
            }
        }

        /// Where tls.crt and tls.key really are (symlinks resolved), with their size and
        /// modification time. A Secret volume's files are symlinks through `..data`, which the
        /// kubelet swaps to a new directory on renewal: the links themselves never change, the
        /// files they resolve to do.
        static func stamp(_ directory: String) -> [String] {
            ["tls.crt", "tls.key"].map { name in
                let path = URL(fileURLWithPath: directory).appendingPathComponent(name).path
                guard let resolved = realpath(path, nil) else { return "\(path): missing" }
                defer { free(resolved) }
                var info = stat()
                guard stat(resolved, &info) == 0 else { return "\(path): missing" }
                return "\(String(cString: resolved))|\(info.st_size)|\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)|\(info.st_ino)"
            }
        }
    }
}
