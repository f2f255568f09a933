import Crypto
import Foundation
import NIOSSL
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
