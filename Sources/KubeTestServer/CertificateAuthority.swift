import Crypto
import Foundation
import SwiftASN1
import X509

/// A throwaway CA made at start-up: it signs the serving certificate (for 127.0.0.1 and
/// localhost) and client certificates whose subject carries the identity the way Kubernetes
/// reads it (CN = user name, O = groups).
public struct CertificateAuthority: Sendable {
    public struct Issued: Sendable {
        public var certificatePEM: String
        public var privateKeyPEM: String
    }

    public let certificatePEM: String
    private let certificate: Certificate
    private let key: P256.Signing.PrivateKey

    public init(commonName: String = "modelops-test-ca") throws {
        let key = P256.Signing.PrivateKey()
        let name = try DistinguishedName { CommonName(commonName) }
        let now = Date()
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(),
            publicKey: .init(key.publicKey), notValidBefore: now.addingTimeInterval(-3600),
            notValidAfter: now.addingTimeInterval(86400 * 365), issuer: name, subject: name,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil))
                Critical(KeyUsage(digitalSignature: true, keyCertSign: true, cRLSign: true))
                SubjectKeyIdentifier(hash: .init(key.publicKey))
            },
            issuerPrivateKey: .init(key))
        self.certificate = certificate
        self.key = key
        self.certificatePEM = try certificate.serializeAsPEM().pemString
    }

    /// The API server's serving certificate.
    public func issueServer(hosts: [String] = ["localhost"], ips: [String] = ["127.0.0.1"]) throws -> Issued {
        var names: [GeneralName] = hosts.map { .dnsName($0) }
        for ip in ips {
            let octets = ip.split(separator: ".").compactMap { UInt8($0) }
            if octets.count == 4 { names.append(.ipAddress(ASN1OctetString(contentBytes: ArraySlice(octets)))) }
        }
        return try issue(subject: try DistinguishedName { CommonName("modelops-test-apiserver") }, serverNames: names)
    }

    /// A client certificate for `user` in `groups`.
    public func issueClient(user: String, groups: [String]) throws -> Issued {
        let subject = try DistinguishedName {
            for group in groups { OrganizationName(group) }
            CommonName(user)
        }
        return try issue(subject: subject, serverNames: nil)
    }

    private func issue(subject: DistinguishedName, serverNames: [GeneralName]?) throws -> Issued {
        let leafKey = P256.Signing.PrivateKey()
        let now = Date()
        let leaf = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(),
            publicKey: .init(leafKey.publicKey), notValidBefore: now.addingTimeInterval(-3600),
            notValidAfter: now.addingTimeInterval(86400 * 365), issuer: certificate.subject, subject: subject,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true, keyEncipherment: true))
                try ExtendedKeyUsage([serverNames == nil ? .clientAuth : .serverAuth])
                if let serverNames { SubjectAlternativeNames(serverNames) }
            },
            issuerPrivateKey: .init(key))
        return Issued(certificatePEM: try leaf.serializeAsPEM().pemString, privateKeyPEM: leafKey.pemRepresentation)
    }

    /// The user and groups a client certificate names (CN and O), as the API server reads them.
    public static func identity(fromDER der: [UInt8]) -> (user: String, groups: [String])? {
        guard let certificate = try? Certificate(derEncoded: der) else { return nil }
        var user: String?
        var groups: [String] = []
        for rdn in certificate.subject {
            for attribute in rdn {
                let value = String(describing: attribute.value)
                if attribute.type == .RDNAttributeType.commonName { user = value }
                if attribute.type == .RDNAttributeType.organizationName { groups.append(value) }
            }
        }
        return user.map { ($0, groups) }
    }
}
