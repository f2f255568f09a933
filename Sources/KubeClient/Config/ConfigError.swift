/// Why a client configuration could not be loaded or its credentials not obtained.
///
/// Bad configuration is usually found far from where it was written (a merged `KUBECONFIG`, a
/// context picked by flag, a plugin run an hour later), so the error carries where to look:
/// the file the offending entry came from, the context in use and the field, as a path into the
/// kubeconfig (`users["alice"].user.client-certificate`). `message` keeps client-go's wording
/// where client-go has one, so it can be searched for.
public struct ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kubeconfig file (or in-cluster file) the problem was found in.
    public var file: String?
    /// The kubeconfig context being used.
    public var context: String?
    /// Where in the file, e.g. `clusters["prod"].cluster.certificate-authority`.
    public var field: String?
    public var message: String

    public init(file: String? = nil, context: String? = nil, field: String? = nil, message: String) {
        self.file = file
        self.context = context
        self.field = field
        self.message = message
    }

    /// `<file>: context "<context>": <field>: <message>`, leaving out what is unknown.
    public var description: String {
        var parts: [String] = []
        if let file { parts.append(file) }
        if let context { parts.append("context \"\(context)\"") }
        if let field { parts.append(field) }
        parts.append(message)
        return parts.joined(separator: ": ")
    }

    /// The same error with the context filled in when it was not known where it was raised.
    func inContext(_ name: String?) -> ConfigError {
        var copy = self
        if copy.context == nil { copy.context = name }
        return copy
    }
}
