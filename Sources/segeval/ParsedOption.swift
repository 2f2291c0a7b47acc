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
///
/// Two optionals rather than a `Result`: Swift 6.3's runtime leaks the payload
/// of an enum with two non-trivial payloads when ArgumentParser casts it
/// through `Any` (found by the AddressSanitizer stage of CI).
struct Parsed<Value: OptionValue>: ExpressibleByArgument, Sendable {
    /// The parsed value, or nil when the text is not one.
    private let value: Value?
    /// Why the text is not a value.
    private let error: (any Error)?

    /// Parses `argument` (never fails here: see ``get()``).
    init?(argument: String) {
        do {
            value = try Value(parsing: argument)
            error = nil
        } catch {
            value = nil
            self.error = error
        }
    }

    /// The value, or the parse error.
    func get() throws -> Value {
        if let value { return value }
        throw error!
    }

    /// The values `--help` lists.
    static var allValueStrings: [String] { Value.allValueStrings }
}

extension MetricSelection: OptionValue {
    /// The `--metrics` groups, from the registry.
    static var allValueStrings: [String] { MetricRegistry.groups.map(\.token) + MetricRegistry.aliases.keys.sorted() }
}

extension GateBounds: OptionValue {}
extension MetricNames: OptionValue {}
extension MetricName: OptionValue {}
