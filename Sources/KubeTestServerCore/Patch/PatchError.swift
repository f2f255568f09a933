import KubeCore

/// Why a PATCH body could not be applied. The server answers `badRequest` with 400 (the body is
/// not a patch of the declared type) and `invalid` with 422 (a well-formed patch that does not fit
/// the object, such as a failed JSON-patch `test` op), using `message` as kube-apiserver words it.
public struct PatchError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        case badRequest
        case invalid
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }

    static func badRequest(_ message: String) -> PatchError { PatchError(.badRequest, message) }
    static func invalid(_ message: String) -> PatchError { PatchError(.invalid, message) }
}
