import ArgumentParser
import SegMetrics

/// A SegMetrics value type that parses an option's text, throwing a usage
/// error in segeval's words when it does not parse.
protocol OptionValue: Sendable {
    /// Parses the option's text.
    init(parsing text: String) throws
    /// The values `--help` and shell completion list (none by default).
    static var allValueStrings: [String] { get }
}

extension OptionValue {
    static var allValueStrings: [String] { [] }
}

/// An option parsed once, by ArgumentParser, into its SegMetrics type. A text
/// that does not parse is kept with its reason, which `validate()` or `run()`
/// reports in the words segeval has always used (`init?(argument:)` can only
/// say "invalid").
struct Parsed<Value: OptionValue>: ExpressibleByArgument, Sendable {
    /// The parsed value, or why the text is not one.
    let result: Result<Value, Error>

    /// Parses `argument` (never fails here: see ``get()``).
    init?(argument: String) {
        result = Result { try Value(parsing: argument) }
    }

    /// The value, or the parse error.
    func get() throws -> Value { try result.get() }

    /// The values `--help` lists.
    static var allValueStrings: [String] { Value.allValueStrings }
}

extension MetricSelection: OptionValue {
    /// The `--metrics` groups, from the registry.
    static var allValueStrings: [String] { MetricRegistry.groups.map(\.token) }
}

extension GateBounds: OptionValue {}
extension MetricNames: OptionValue {}
extension MetricName: OptionValue {}
