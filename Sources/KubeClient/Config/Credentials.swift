/// How requests prove who they are, besides a client certificate in `TLSOptions`.
///
/// Only descriptions: secrets that change (a rotated token file, an exec plugin's short-lived
/// token) are fetched by a `CredentialProvider`.
public enum Credentials: Sendable, Equatable {
    case none
    case token(String)
    /// A bearer token read from a file and re-read every `reread` (client-go: 60 s), so that a
    /// rotated projected service-account token is picked up without a restart.
    case tokenFile(path: String, reread: Duration)
    case exec(ExecConfig)
    case basic(username: String, password: String)
}
