/// A CEL compile or evaluation failure.
///
/// CEL treats errors as values during evaluation (so that `false && error` can still be `false`);
/// only an error that reaches the top of an expression escapes as a `CELError`. The message follows
/// cel-go's wording ("no such key: x", "no such overload", "division by zero", or a parse error
/// `ERROR: <input>:1:5: Syntax error: ...`) because the API server puts it into Status messages
/// that users and tests compare against a real cluster.
public struct CELError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public init(message: String) {
        self.message = message
    }

    public var description: String { message }

    static let noSuchOverload = CELError("no such overload")
    static let divisionByZero = CELError("division by zero")
    static let modulusByZero = CELError("modulus by zero")
    static let intOverflow = CELError("integer overflow")
    static let uintOverflow = CELError("unsigned integer overflow")

    static func noSuchKey(_ key: CELValue) -> CELError {
        CELError("no such key: \(key.plainDescription)")
    }

    /// `no such overload: name(int, string)`: the form cel-go uses when a function exists but no
    /// overload matches the argument types at runtime.
    static func noSuchOverload(_ function: String, _ args: [CELValue]) -> CELError {
        CELError("no such overload: \(function)(\(args.map(\.typeName).joined(separator: ", ")))")
    }
}
