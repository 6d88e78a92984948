/// A value bound to a named query parameter.
public enum SQLParameter: Sendable, Equatable {
    case text(String)
    case integer(Int64)
}
