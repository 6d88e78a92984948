/// A length such as `--recent 7d` that could not be read.
public struct InvalidDuration: Error, CustomStringConvertible, Equatable {
    public let text: String
    public let option: String

    public init(text: String, option: String) {
        self.text = text
        self.option = option
    }

    public var description: String {
        "cannot read the length '\(text)' of \(option): use a positive number of minutes, hours, days or weeks (90m, 24h, 7d, 2w)"
    }
}
